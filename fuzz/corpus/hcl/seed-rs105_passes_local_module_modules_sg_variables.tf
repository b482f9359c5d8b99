variable "name" {
  description = "Name of the security group."
  type        = string
}

variable "vpc_id" {
  description = "VPC to create the security group in."
  type        = string
}

variable "cidrs" {
  description = "Client CIDR ranges allowed to reach the database port."
  type        = list(string)
}

variable "port" {
  description = "Database port."
  type        = number
  default     = 5439
}
