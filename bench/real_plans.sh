#!/usr/bin/env bash
# Plans generated HCL stacks with a real Terraform, to check the synthesized plan JSON against
# `terraform show -json` (bench/validate_plan.py does the comparison).
#
#   bench/real_plans.sh OUT_DIR STACK_INDEX...
#
# Needs Terraform 1.11 and the hashicorp/aws 5.100 plugin in a filesystem mirror
# ($PLUGIN_DIR, default /opt/tf-plugins). No network: fake credentials, -refresh=false, no
# backend, no data sources. Not run by CI. Writes OUT_DIR/stack_NNNNN.json (the plan, with the
# fake credentials removed from provider_config as in testdata/plan/generate.sh).
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PLUGIN_DIR=${PLUGIN_DIR:-/opt/tf-plugins}
TERRAFORM=${TERRAFORM:-terraform}
SEED=${SEED:-1}
OUT=$1
shift
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/redshield-bench-plan.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export TF_CLI_CONFIG_FILE=/dev/null

for i in "$@"; do
  stem=$(printf 'stack_%05d' "$i")
  dir=$WORK/$stem
  mkdir -p "$dir"
  BENCH=$BENCH python3 -c "
import os, sys
sys.path.insert(0, os.environ['BENCH'])
import gen_corpus as g
sys.stdout.write(g.hcl_text(g.make_stack($i, $SEED)))
" >"$dir/main.tf"
  cat >"$dir/zz_override.tf" <<'EOF'
provider "aws" {
  access_key                  = "AKIAFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
EOF
  (
    cd "$dir"
    "$TERRAFORM" init -input=false -no-color -plugin-dir="$PLUGIN_DIR" -backend=false >init.log 2>&1 ||
      { cat init.log >&2; exit 1; }
    "$TERRAFORM" plan -input=false -no-color -refresh=false -out tf.plan >plan.log 2>&1 ||
      { cat plan.log >&2; exit 1; }
    "$TERRAFORM" show -json tf.plan >plan.json
  )
  python3 - "$dir/plan.json" "$OUT/$stem.json" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
for pc in plan.get("configuration", {}).get("provider_config", {}).values():
    exprs = pc.get("expressions", {})
    for k in ("access_key", "secret_key", "skip_credentials_validation",
              "skip_requesting_account_id", "skip_metadata_api_check"):
        exprs.pop(k, None)
json.dump(plan, open(sys.argv[2], "w"), indent=2)
EOF
  echo "planned $stem"
done
