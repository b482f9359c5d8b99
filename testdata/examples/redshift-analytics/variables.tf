variable "region" {
  description = "AWS region to deploy into."
  type        = string
}

variable "project" {
  description = "Name prefix for all resources."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the analytics VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Two availability zones for the private subnets."
  type        = list(string)
}

variable "node_type" {
  description = "Redshift node type."
  type        = string
  default     = "ra3.xlplus"
}

variable "number_of_nodes" {
  description = "Number of Redshift compute nodes."
  type        = number
  default     = 2
}

variable "database_name" {
  description = "Name of the initial database."
  type        = string
  default     = "analytics"
}

variable "admin_username" {
  description = "Redshift admin user (the password is managed in Secrets Manager)."
  type        = string
  default     = "analytics_admin"
}
