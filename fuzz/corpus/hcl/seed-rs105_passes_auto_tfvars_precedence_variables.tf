variable "ingress_cidrs" {
  description = "CIDR ranges allowed to reach Redshift on 5439 (set in tfvars)."
  type        = list(string)
}
