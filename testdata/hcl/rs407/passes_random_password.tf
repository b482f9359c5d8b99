# RS407 passes: the password is generated (known only after apply), not written.

terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "random_password" "master" {
  length  = 32
  special = false
}

resource "aws_redshift_cluster" "analytics" {
  cluster_identifier  = "analytics"
  node_type           = "ra3.xlplus"
  skip_final_snapshot = true
  database_name       = "analytics"
  master_username     = "analytics_admin"
  master_password     = random_password.master.result
}
