#!/usr/bin/env bash
# Regenerates the Terraform plan JSON fixtures in testdata/plan/ (the "twins" of
# the HCL fixtures in testdata/hcl/, plus the plan-only cases whose .tf sources
# live in testdata/plan/sources/). See README.md next to this script.
#
# NOT run by CI. Needs Terraform 1.11.x and the hashicorp/aws 5.100.0 plugin
# unpacked in a filesystem mirror ($PLUGIN_DIR, default /opt/tf-plugins). It
# makes no network calls: fake static credentials, -refresh=false, no data
# sources that call AWS, no backend.
#
# Usage:
#   testdata/plan/generate.sh                        # every case except the hand-edited ones
#   testdata/plan/generate.sh rs105/fires            # only cases whose rule/case starts with this
#   testdata/plan/generate.sh --with-hand-edited ... # also overwrite the hand-edited fixtures
#                                                    # (then redo the edits listed at the end!)
#
# Terraform never runs inside testdata/: each case is copied to a fresh
# directory under /tmp first.
set -euo pipefail

PLAN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HCL_DIR=$(cd "$PLAN_DIR/../hcl" && pwd)
SRC_DIR=$PLAN_DIR/sources
PLUGIN_DIR=${PLUGIN_DIR:-/opt/tf-plugins}
TERRAFORM=${TERRAFORM:-terraform}

WITH_HAND_EDITED=0
if [[ ${1:-} == --with-hand-edited ]]; then
  WITH_HAND_EDITED=1
  shift
fi
FILTER=${1:-}

WORK=$(mktemp -d /tmp/redshield-plan.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Fixtures whose JSON was edited by hand after `terraform show -json` (see
# README.md, "Hand-edited fixtures"). They are skipped unless
# --with-hand-edited is given, so a plain run never loses the edits.
HAND_EDITED=(
  "rs101/fires_legacy_security_groups"
  "rs104/passes_unset_v6"
  "rs401/passes_unset_v6"
)
hand_edit_notes() {
  case $1 in
    rs101/fires_legacy_security_groups) cat <<'EOF'
  rs101/fires_legacy_security_groups.json (planned with "~> 5.0" and without the
  cluster_security_groups line, because provider 4.x is not installed and 5.x
  no longer has that argument). Edit the JSON:
    - configuration.provider_config.aws.version_constraint: "~> 5.0" -> "~> 4.67"
    - aws_redshift_cluster.analytics: add "cluster_security_groups": ["legacy"] to
      resource_changes[].change.after and planned_values...values, and
      "cluster_security_groups": [false] to change.after_sensitive and
      planned_values...sensitive_values (keys kept in alphabetical order)
    - configuration.root_module.resources[aws_redshift_cluster.analytics].expressions:
      add "cluster_security_groups": {"constant_value": ["legacy"]}
EOF
      ;;
    rs104/passes_unset_v6) cat <<'EOF'
  rs104/passes_unset_v6.json (planned with ">= 5.0" because only provider 5.100 is
  installed; provider 6.x defaults publicly_accessible to false). Edit the JSON:
    - aws_redshift_cluster.analytics: "publicly_accessible": true -> false in
      resource_changes[].change.after and in planned_values...values
    - configuration.provider_config.aws.version_constraint: ">= 5.0.0" -> ">= 6.0.0"
      (Terraform writes ">= 6.0" normalised to ">= 6.0.0", as it does for ">= 4.0")
    - aws_redshift_cluster.analytics: "encrypted": false -> true in the same two
      places (provider 6.x defaults encrypted to true)
EOF
      ;;
    rs401/passes_unset_v6) cat <<'EOF'
  rs401/passes_unset_v6.json (planned with ">= 5.0" because only provider 5.100 is
  installed; provider 6.x defaults encrypted to true). Edit the JSON:
    - aws_redshift_cluster.analytics: "encrypted": false -> true and
      "publicly_accessible": true -> false in resource_changes[].change.after and in
      planned_values...values
    - configuration.provider_config.aws.version_constraint: ">= 5.0.0" -> ">= 6.0.0"
EOF
      ;;
  esac
}

# Root variables that have no default in the HCL fixture: a plan needs a value
# (the HCL analysis leaves them unknown). The values are plausible made-up ids.
case_vars() {
  case $1 in
    rs101/passes_subnet_group_by_name) echo "-var=vpc_id=vpc-0123456789abcdef0" ;;
    rs110/passes_vpc_out_of_scope)     echo "-var=vpc_id=vpc-0123456789abcdef0" ;;
    rs107/passes_unknown_group)        echo "-var=redshift_security_group_id=sg-0123456789abcdef0" ;;
    rs101/fires_legacy_security_groups) echo "-var=master_password=Not-a-real-passw0rd" ;;
    rs407/passes_write_only_ephemeral) echo "-var=master_password=Rs407-Fixture-Ephemeral-1" ;;
    rs407/fires_variable_given)        echo "-var=master_password=Rs407-Fixture-Given-1" ;;
  esac
}

# Changes to the copied configuration for cases that cannot be planned as
# written (offline, provider 5.100 only). Applied in the temp dir only.
prepare_case() {
  local id=$1 dir=$2
  case $id in
    rs102/passes_unknown_az)
      # data "aws_availability_zones" calls AWS: replace it by the literal
      # names it yields in us-east-1 (names[0], names[1]).
      sed -i -e '/^data "aws_availability_zones" "available" {/,/^}/d' \
             -e 's/data\.aws_availability_zones\.available\.names\[0\]/"us-east-1a"/' \
             -e 's/data\.aws_availability_zones\.available\.names\[1\]/"us-east-1b"/' \
             "$dir/main.tf"
      if grep -q 'aws_availability_zones' "$dir/main.tf"; then
        echo "prepare_case: data source not fully replaced in $id" >&2; exit 1
      fi
      ;;
    rs104/passes_unset_v6 | rs401/passes_unset_v6)
      # ">= 6.0" cannot be met by the installed 5.100 plugin: relax it; the
      # JSON is then edited by hand (see hand_edit_notes).
      sed -i 's/version = ">= 6.0"/version = ">= 5.0"/' "$dir/main.tf"
      ;;
    rs101/fires_legacy_security_groups)
      # "~> 4.67" cannot be met, and 5.x removed cluster_security_groups.
      sed -i -e 's/version = "~> 4.67"/version = "~> 5.0"/' \
             -e '/^  cluster_security_groups /d' "$dir/main.tf"
      ;;
  esac
}

add_credentials() {
  local dir=$1
  if grep -Eqs '^[[:space:]]*provider[[:space:]]+"aws"' "$dir"/*.tf; then
    # An override file merges into the existing provider block: region unchanged.
    cat >"$dir/zz_override.tf" <<'EOF'
provider "aws" {
  access_key                  = "AKIAFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
EOF
  else
    cat >"$dir/provider.tf" <<'EOF'
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAFAKEFAKEFAKE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
EOF
  fi
}

# Pretty-print (python3 -m json.tool --indent 2 style, key order kept) and drop
# the fake credentials from configuration.provider_config.*.expressions.
postprocess() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f:
    plan = json.load(f)
ADDED = ("access_key", "secret_key", "skip_credentials_validation",
         "skip_requesting_account_id", "skip_metadata_api_check")
for pc in plan.get("configuration", {}).get("provider_config", {}).values():
    exprs = pc.get("expressions")
    if exprs is None:
        continue
    for k in ADDED:
        exprs.pop(k, None)
    if not exprs:
        del pc["expressions"]
for k in ("format_version", "resource_changes", "configuration"):
    if k not in plan:
        sys.exit(f"{src}: missing {k}")
if plan["format_version"] != "1.2":
    sys.exit(f"{src}: format_version {plan['format_version']!r}, expected '1.2'")
with open(dst, "w") as f:
    json.dump(plan, f, indent=2)
    f.write("\n")
EOF
}

# plan_dir ID SRC_DIR OUT_JSON: copy SRC_DIR (a root module directory) to a temp
# dir, plan it offline and write the processed JSON to OUT_JSON.
plan_dir() {
  local id=$1 src=$2 out=$3
  local tmp
  tmp=$(mktemp -d "$WORK/case.XXXXXX")
  cp -R "$src/." "$tmp/"
  rm -rf "$tmp/.terraform" "$tmp/.terraform.lock.hcl" "$tmp/redshield.toml"
  add_credentials "$tmp"
  prepare_case "$id" "$tmp"
  local state_args=()
  if [[ -f $tmp/terraform.tfstate ]]; then
    state_args=(-state=terraform.tfstate)
  fi
  # shellcheck disable=SC2046
  (
    cd "$tmp"
    "$TERRAFORM" init -input=false -no-color -plugin-dir="$PLUGIN_DIR" -backend=false >init.log 2>&1 \
      || { cat init.log >&2; exit 1; }
    "$TERRAFORM" plan -input=false -no-color -refresh=false "${state_args[@]}" $(case_vars "$id") \
      -out tf.plan >plan.log 2>&1 || { cat plan.log >&2; exit 1; }
    "$TERRAFORM" show -json tf.plan >plan.json 2>show.log || { cat show.log >&2; exit 1; }
  )
  mkdir -p "$(dirname "$out")"
  postprocess "$tmp/plan.json" "$out"
  echo "wrote ${out#"$PLAN_DIR"/}"
}

# HCL cases with no plan twin: configurations the installed provider (5.100 only) cannot
# plan, or whose point a plan cannot show (see README.md, "HCL cases without a plan twin").
HCL_ONLY=(
  "rs102/strict_fires_subnet_ids_data_source"
  "rs108/fires_region_unknown"
  "rs108/passes_region_unknown"
  "rs108/strict_fires_region_unknown"
  "rs205/passes_region_data_source"
  "rs407/fires_write_only"
  "rs407/passes_random_password"
  "rs407/passes_secret_data_source"
  "rs407/passes_unknown_variable"
)

selected() {
  local id=$1
  [[ -z $FILTER || $id == "$FILTER"* ]] || return 1
  local h
  for h in "${HCL_ONLY[@]}"; do
    if [[ $id == "$h" ]]; then
      echo "skip $id (no plan twin)"
      return 1
    fi
  done
  if [[ $WITH_HAND_EDITED == 0 ]]; then
    for h in "${HAND_EDITED[@]}"; do
      if [[ $id == "$h" ]]; then
        echo "skip $id (hand-edited; use --with-hand-edited)"
        return 1
      fi
    done
  fi
  return 0
}

regenerated_hand_edited=()

# 1. Twins of testdata/hcl/<rule>/<case>.tf and testdata/hcl/<rule>/<case>/.
for rule_dir in "$HCL_DIR"/*/; do
  rule=$(basename "$rule_dir")
  for entry in "$rule_dir"*; do
    name=$(basename "$entry")
    if [[ -f $entry && $name == *.tf ]]; then
      id=$rule/${name%.tf}
      selected "$id" || continue
      tmpsrc=$(mktemp -d "$WORK/src.XXXXXX")
      cp "$entry" "$tmpsrc/main.tf"
      plan_dir "$id" "$tmpsrc" "$PLAN_DIR/$id.json"
    elif [[ -d $entry ]]; then
      id=$rule/$name
      selected "$id" || continue
      if [[ -f $entry/redshield.toml ]]; then
        # The analyzer looks for redshield.toml by walking up from the plan
        # file, so the twin is a directory holding plan.json and the config.
        rm -f "$PLAN_DIR/$id.json"
        plan_dir "$id" "$entry" "$PLAN_DIR/$id/plan.json"
        cp "$entry/redshield.toml" "$PLAN_DIR/$id/redshield.toml"
      else
        plan_dir "$id" "$entry" "$PLAN_DIR/$id.json"
      fi
    else
      continue
    fi
    for h in "${HAND_EDITED[@]}"; do
      [[ $id == "$h" ]] && regenerated_hand_edited+=("$id")
    done
  done
done

# 2. Plan-only cases (sources in testdata/plan/sources/<case>/), all RS105.
for case_dir in "$SRC_DIR"/*/; do
  name=$(basename "$case_dir")
  id=rs105/$name
  selected "$id" || continue
  plan_dir "$id" "$case_dir" "$PLAN_DIR/$id.json"
done

# 3. rs105/fires_with_source/: main.tf (copy of testdata/hcl/rs105/fires.tf, with
#    its "# expect: RS105" marker) next to the plan made from it, so findings
#    can be mapped back to .tf lines.
id=rs105/fires_with_source
if selected "$id"; then
  tmpsrc=$(mktemp -d "$WORK/src.XXXXXX")
  cp "$HCL_DIR/rs105/fires.tf" "$tmpsrc/main.tf"
  plan_dir "$id" "$tmpsrc" "$PLAN_DIR/$id/plan.json"
  cp "$HCL_DIR/rs105/fires.tf" "$PLAN_DIR/$id/main.tf"
fi

# 4. rs407/fires_variable_given/: the plan of testdata/hcl/rs407/passes_unknown_variable.tf
#    with the password given on the command line, beside that source: the source writes no
#    password, the plan holds it in clear (in `variables` and in the cluster's values).
id=rs407/fires_variable_given
if selected "$id"; then
  tmpsrc=$(mktemp -d "$WORK/src.XXXXXX")
  cp "$HCL_DIR/rs407/passes_unknown_variable.tf" "$tmpsrc/main.tf"
  plan_dir "$id" "$tmpsrc" "$PLAN_DIR/$id/plan.json"
  cp "$HCL_DIR/rs407/passes_unknown_variable.tf" "$PLAN_DIR/$id/main.tf"
fi

# 5. Change cases (testdata/change/plan/<case>/main.tf, planned against the one hand-written
#    state testdata/change/plan/terraform.tfstate): plan.json is written beside main.tf, so
#    the planned findings map to its lines while the prior state's stay in the plan.
CHANGE_DIR=$(cd "$PLAN_DIR/../change/plan" && pwd)
for case_dir in "$CHANGE_DIR"/*/; do
  name=$(basename "$case_dir")
  id=change/$name
  selected "$id" || continue
  tmpsrc=$(mktemp -d "$WORK/src.XXXXXX")
  cp "$case_dir"/*.tf "$tmpsrc/"
  cp "$CHANGE_DIR/terraform.tfstate" "$tmpsrc/terraform.tfstate"
  plan_dir "$id" "$tmpsrc" "$case_dir/plan.json"
done

if ((${#regenerated_hand_edited[@]})); then
  echo
  echo "HAND EDITS NEEDED: these fixtures were regenerated from a relaxed configuration."
  echo "Redo the edits below (also recorded in README.md):"
  for id in "${regenerated_hand_edited[@]}"; do
    hand_edit_notes "$id"
  done
else
  echo
  echo "Hand-edited fixtures left as they are:"
  for id in "${HAND_EDITED[@]}"; do hand_edit_notes "$id"; done
fi
