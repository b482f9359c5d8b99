#!/usr/bin/env bash
# The reports checked by the tools their readers trust: SARIF by Microsoft's SARIF multitool
# with GitHub's rules (`--rule-kind "Sarif;Gh"`: what code scanning accepts), the JSON report
# and GitLab Code Quality against their JSON schemas (check-jsonschema), JUnit against
# schemas/junit.xsd (xmlschema). Reports of the bundled example, with an input error too.
# Needs node/npm (the multitool) and python3 with venv (the schema tools); each part without its
# tool says so and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
redshield=${REDSHIELD:-target/debug/redshield}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set +e
"$redshield" check --quiet \
  --report "sarif:$work/report.sarif" --report "json:$work/report.json" \
  --report "junit:$work/report.xml" --report "gitlab:$work/codequality.json" \
  testdata/examples/redshift-analytics testdata/cli/syntax_error
status=$?
set -e
if [ "$status" -ne 2 ]; then
  echo "redshield exited $status on the example and a syntax error (expected 2)" >&2
  exit 1
fi
# A change-aware run too: plans compared with their prior state (results with baselineState
# new, unchanged and absent).
"$redshield" check --quiet --exit-zero \
  --report "sarif:$work/change.sarif" --report "json:$work/change.json" \
  testdata/change/plan/opens_security_group/plan.json testdata/change/plan/removes_igw_route/plan.json

# The multitool (a .NET program shipped in npm packages) writes what it finds as SARIF and
# exits 0 either way: its error-level results are counted. Its launcher passes the arguments
# through a shell, hence the quoted 'Sarif;Gh'. A SARIF log without locations and with an empty
# message is checked first, to show the check finds errors.
multitool() {
  rm -f "$2"
  npx --yes @microsoft/sarif-multitool@5 validate --rule-kind "'Sarif;Gh'" --log ForceOverwrite \
    --output "$2" "$1" > "$work/multitool.log" 2>&1 || true
  if [ ! -f "$2" ]; then
    cat "$work/multitool.log" >&2
    echo "the SARIF multitool wrote no result" >&2
    exit 1
  fi
  python3 - "$2" <<'PY'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8-sig"))
results = [r for run in log["runs"] for r in run.get("results", [])]
for r in results:
    message = r["message"].get("text") or f"{r['message'].get('id')} {r['message'].get('arguments')}"
    print(f"  {r.get('level', 'warning')} {r.get('ruleId')}: {message[:160]}")
print(sum(1 for r in results if r.get("level", "warning") == "error"))
PY
}
if command -v npx > /dev/null && command -v python3 > /dev/null; then
  python3 - "$work/report.sarif" "$work/broken.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
del log["runs"][0]["results"][0]["locations"]
log["runs"][0]["results"][1]["message"] = {"text": ""}
json.dump(log, open(sys.argv[2], "w"))
PY
  broken=$(multitool "$work/broken.sarif" "$work/broken-validation.sarif" | tail -n 1)
  if [ "$broken" -eq 0 ]; then
    echo "the SARIF multitool found no error in a broken SARIF log: the check below would prove nothing" >&2
    exit 1
  fi
  for log in report change; do
    multitool "$work/$log.sarif" "$work/validation.sarif" > "$work/validation.txt"
    errors=$(tail -n 1 "$work/validation.txt")
    sed '$d' "$work/validation.txt"
    if [ "$errors" -ne 0 ]; then
      echo "the SARIF multitool (--rule-kind Sarif;Gh) found $errors error(s) in redshield's SARIF ($log)" >&2
      exit 1
    fi
  done
  echo "SARIF: sarif-multitool validate --rule-kind Sarif;Gh: no errors (a broken log: $broken)"
else
  echo "npx or python3 not found: the SARIF multitool check is skipped" >&2
fi

if command -v python3 > /dev/null && python3 -c 'import venv, ensurepip' 2> /dev/null; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check 'check-jsonschema>=0.28,<1' 'xmlschema>=3,<5'
  "$work/venv/bin/check-jsonschema" --schemafile schemas/report.schema.json "$work/report.json" "$work/change.json"
  "$work/venv/bin/check-jsonschema" --schemafile schemas/gitlab-codequality.schema.json "$work/codequality.json"
  "$work/venv/bin/xmlschema-validate" --schema schemas/junit.xsd "$work/report.xml"
  echo "JSON, Code Quality and JUnit reports: valid against their schemas"
else
  echo "python3 with venv/pip not found: the schema checks are skipped" >&2
fi
