# Loaded first; overridden by analytics.auto.tfvars.
ingress_cidrs = ["0.0.0.0/0"]
