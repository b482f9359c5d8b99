# A reference cycle through a module's outputs: the call's input is its own output.
module "loop" {
  source = "./child"
  input  = module.loop.output
}

resource "aws_security_group" "cyclic" {
  name = module.loop.output
}
