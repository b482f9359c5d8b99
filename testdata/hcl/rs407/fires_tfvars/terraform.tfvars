master_password = "Rs407-Fixture-Tfvars-1" # expect: RS407
