#!/usr/bin/env bash
# The README's recipe `terraform plan -out tf.plan && terraform show -json tf.plan | redshield
# check -`, run for real on the bundled example, offline: the AWS provider from a local plugin
# directory ($PLUGIN_DIR, as testdata/plan/generate.sh uses), fake credentials, no refresh.
# The findings must point at the example's .tf lines (the configuration in the working
# directory is the plan's). Skipped, saying so, without terraform or the plugin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
redshield=$PWD/${REDSHIELD:-target/debug/redshield}
plugins=${PLUGIN_DIR:-/opt/tf-plugins}
if ! command -v terraform > /dev/null || [ ! -d "$plugins/registry.terraform.io/hashicorp/aws" ]; then
  echo "terraform or the AWS provider in $plugins not found: the terraform plan recipe is skipped" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R testdata/examples/redshift-analytics/. "$work/"
# Merges into the example's provider block: no AWS account is reached.
cat > "$work/zz_override.tf" <<'TF'
provider "aws" {
  access_key                  = "AKIAFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
TF
cd "$work"
terraform init -input=false -no-color -plugin-dir="$plugins" -backend=false > init.log 2>&1 \
  || { cat init.log >&2; exit 1; }
terraform plan -input=false -no-color -refresh=false -out tf.plan > plan.log 2>&1 \
  || { cat plan.log >&2; exit 1; }
set +e
terraform show -json tf.plan 2> show.log | "$redshield" check --format json - > report.json
status=$?
set -e
python3 - report.json "$status" <<'PY'
import json, sys
report, status = json.load(open(sys.argv[1])), int(sys.argv[2])
paths = sorted({f["location"]["path"] for f in report["findings"]})
assert status == 1, f"exit {status}, expected 1 (findings)"
assert report["warnings"] == [], report["warnings"]
assert paths == ["main.tf", "network.tf"], paths
print(f"terraform plan | redshield check -: {len(report['findings'])} findings at {', '.join(paths)} (exit 1)")
PY
