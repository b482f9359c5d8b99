# A template that grows exponentially: each local doubles the previous one (2^40 bytes
# if nothing bounded it).
locals {
  s0 = "xxxxxxxxxxxxxxxx"
  s1 = join("", [local.s0, local.s0])
  s2 = format("%s%s", local.s1, local.s1)
  s3 = join("", [local.s2, local.s2])
  s4 = format("%s%s", local.s3, local.s3)
  s5 = join("", [local.s4, local.s4])
  s6 = format("%s%s", local.s5, local.s5)
  s7 = join("", [local.s6, local.s6])
  s8 = format("%s%s", local.s7, local.s7)
  s9 = join("", [local.s8, local.s8])
  s10 = format("%s%s", local.s9, local.s9)
  s11 = join("", [local.s10, local.s10])
  s12 = format("%s%s", local.s11, local.s11)
  s13 = join("", [local.s12, local.s12])
  s14 = format("%s%s", local.s13, local.s13)
  s15 = join("", [local.s14, local.s14])
  s16 = format("%s%s", local.s15, local.s15)
  s17 = join("", [local.s16, local.s16])
  s18 = format("%s%s", local.s17, local.s17)
  s19 = join("", [local.s18, local.s18])
  s20 = format("%s%s", local.s19, local.s19)
  s21 = join("", [local.s20, local.s20])
  s22 = format("%s%s", local.s21, local.s21)
  s23 = join("", [local.s22, local.s22])
  s24 = format("%s%s", local.s23, local.s23)
  s25 = join("", [local.s24, local.s24])
  s26 = format("%s%s", local.s25, local.s25)
  s27 = join("", [local.s26, local.s26])
  s28 = format("%s%s", local.s27, local.s27)
  s29 = join("", [local.s28, local.s28])
  s30 = format("%s%s", local.s29, local.s29)
  s31 = join("", [local.s30, local.s30])
  s32 = format("%s%s", local.s31, local.s31)
  s33 = join("", [local.s32, local.s32])
  s34 = format("%s%s", local.s33, local.s33)
  s35 = join("", [local.s34, local.s34])
  s36 = format("%s%s", local.s35, local.s35)
  s37 = join("", [local.s36, local.s36])
  s38 = format("%s%s", local.s37, local.s37)
  s39 = join("", [local.s38, local.s38])
  s40 = format("%s%s", local.s39, local.s39)
}

resource "aws_security_group" "grown" {
  name = local.s40
}
