variable "cluster_identifier" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}

variable "publicly_accessible" {
  type    = bool
  default = false
}

resource "aws_redshift_subnet_group" "this" {
  name       = var.cluster_identifier
  subnet_ids = var.subnet_ids
}

module "sg" {
  source = "./modules/sg"

  name   = var.cluster_identifier
  vpc_id = var.vpc_id
}

resource "aws_redshift_cluster" "this" {
  cluster_identifier        = var.cluster_identifier
  node_type                 = "ra3.xlplus"
  database_name             = "analytics"
  master_username           = "analytics_admin"
  manage_master_password    = true
  cluster_subnet_group_name = aws_redshift_subnet_group.this.name
  vpc_security_group_ids    = [module.sg.security_group_id]
  publicly_accessible       = var.publicly_accessible # expect: RS104
  skip_final_snapshot       = true
}
