provider "aws" {
  region = "us-east-1"
}

module "redshift" {
  source = "../../"

  public = true
}
