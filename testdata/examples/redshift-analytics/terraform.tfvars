region          = "us-east-1"
project         = "redshift-analytics"
vpc_cidr        = "10.40.0.0/16"
azs             = ["us-east-1a", "us-east-1b"]
node_type       = "ra3.xlplus"
number_of_nodes = 2
