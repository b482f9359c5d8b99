# Overrides the open default in variables.tf.
ingress_cidrs = ["10.0.0.0/8"]
