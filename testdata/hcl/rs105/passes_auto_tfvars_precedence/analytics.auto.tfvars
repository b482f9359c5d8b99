# Loaded after terraform.tfvars: this value is the one Terraform uses.
ingress_cidrs = ["10.0.0.0/8"]
