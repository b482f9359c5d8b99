#!/usr/bin/env bash
# Both pre-commit hooks tried for real, as a user would: `pre-commit try-repo` (pre-commit from
# PyPI, in a venv under target/) in a throw-away git repository holding the bundled example
# module and a clean one. The fast hook (pre-commit-mirror/, language: python) installs the
# wheel .ci/wheel.sh built (its directory is $1; no package index); the language: rust hook
# builds this checkout with cargo (the release profile: a few minutes, once).
# A staged network.tf is judged with its whole module, so the module's findings fail the
# commit; a staged clean module passes. Without python3 it says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if ! command -v python3 > /dev/null || ! python3 -c 'import venv, ensurepip' 2> /dev/null; then
  echo "python3 with venv/pip not found: the pre-commit hooks check is skipped" >&2
  exit 0
fi
wheels=$(cd "${1:?usage: pre-commit.sh WHEEL_DIR}" && pwd)
work=$root/target/ci-pre-commit
rm -rf "$work"
mkdir -p "$work"
python3 -m venv "$work/venv"
pip=("$work/venv/bin/pip" --quiet --disable-pip-version-check)
"${pip[@]}" install 'pre-commit>=3.5,<5'
# The mirror package is built with setuptools: fetched once, so pre-commit's pip needs no index.
"${pip[@]}" download --dest "$wheels" 'setuptools>=61'
export PRE_COMMIT_HOME=$work/cache
pre_commit=$work/venv/bin/pre-commit
git_commit() { git -C "$1" -c user.name=ci -c user.email=ci@example.com commit --quiet -m "$2"; }

project=$work/project
mkdir -p "$project/infra"
cp -R testdata/examples/redshift-analytics "$project/infra/warehouse"
cp -R testdata/cli/clean "$project/infra/clean"
git -C "$project" init --quiet
git -C "$project" add .
git_commit "$project" base

mirror=$work/mirror
cp -R pre-commit-mirror "$mirror"
git -C "$mirror" init --quiet
git -C "$mirror" add .
git_commit "$mirror" hook

# try HOOK_REPO EXPECTED_STATUS [--files FILE...]: without --files, the staged files.
try() {
  local repo=$1 expected=$2 status=0
  shift 2
  (cd "$project" && "$pre_commit" try-repo "$repo" redshield --verbose "$@") > "$work/out.txt" 2>&1 || status=$?
  if [ "$status" -ne "$expected" ]; then
    cat "$work/out.txt" >&2
    echo "pre-commit try-repo $repo $*: exit $status, expected $expected" >&2
    exit 1
  fi
}

# A change staged in network.tf alone: judged with its module (the warehouse in main.tf), so the
# public subnet it routes (RS103) fails the commit. try-repo installs the hook anew each time:
# the language: rust hook (a release build of redshield) is tried on this case alone; the
# hooks' entry and files are the same (tests/report_formats.rs).
echo "# reviewed" >> "$project/infra/warehouse/network.tf"
git -C "$project" add infra/warehouse/network.tf
for hook in python rust; do
  start=$SECONDS
  if [ "$hook" = python ]; then
    # The wheel .ci/wheel.sh built, and setuptools; nothing from an index.
    export PIP_NO_INDEX=1 PIP_FIND_LINKS=$wheels
    try "$mirror" 1
  else
    unset PIP_NO_INDEX PIP_FIND_LINKS
    try "$root" 1
  fi
  grep -q 'RS103' "$work/out.txt" || { cat "$work/out.txt" >&2; echo "the $hook hook did not report RS103" >&2; exit 1; }
  echo "pre-commit: the $hook hook judged a staged network.tf with its module (RS103, exit 1; $((SECONDS - start))s with its install)"
  if [ "$hook" = python ]; then
    try "$mirror" 1 --files infra/warehouse/terraform.tfvars
    try "$mirror" 0 --files infra/clean/main.tf
    echo "pre-commit: the $hook hook failed on a .tfvars of that module and passed a clean module"
  fi
done
git -C "$project" reset --quiet
