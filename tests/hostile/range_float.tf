# Found by hand while fuzzing: range() stepped by adding, and at 2^54 adding 1 no longer
# changes a float, so the loop never ended and the list grew until memory ran out.
locals {
  stuck = range(18014398509481984, 18014398509481988, 1)
}

resource "aws_security_group" "range" {
  name = "sg-${length(local.stuck)}"
}
