variable "ingress_cidrs" {
  description = "CIDR ranges allowed to reach Redshift on 5439."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}
