# Overrides the safe default in variables.tf with the whole internet.
ingress_cidrs = ["0.0.0.0/0"]
