#!/usr/bin/env bash
# The prebuilt distribution as a user gets it: builds the wheel for this platform with maturin,
# installs it with pip into a fresh virtual environment (no index: the wheel alone), and runs
# the installed `redshield` on the bundled example, which must exit 1 with its findings.
# Needs python3 with venv and pip, and PyPI for maturin; without python3 it says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "python3 with venv/pip not found: the wheel check is skipped" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/build"
"$work/build/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.5,<2'
# The dev profile: CI has just built it for the tests, and the wheel's packaging is the point.
"$work/build/bin/maturin" build --locked --profile dev --out "$work/dist" --quiet 2>&1 | tail -n 3
wheel=$(ls "$work"/dist/redshield-*.whl)
echo "built $(basename "$wheel")"
# Kept for the pre-commit check (.ci/pre-commit.sh) when REDSHIELD_WHEEL_DIR names a directory.
if [ -n "${REDSHIELD_WHEEL_DIR:-}" ]; then
  mkdir -p "$REDSHIELD_WHEEL_DIR"
  cp "$wheel" "$REDSHIELD_WHEEL_DIR/"
fi
python3 -m venv "$work/user"
"$work/user/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
installed="$work/user/bin/redshield"
"$installed" --version
set +e
"$installed" check --quiet --format github testdata/examples/redshift-analytics > "$work/out.txt"
status=$?
set -e
if [ "$status" -ne 1 ]; then
  echo "the installed redshield exited $status on the example (expected 1)" >&2
  cat "$work/out.txt" >&2
  exit 1
fi
findings=$(grep -c '^::' "$work/out.txt")
echo "wheel: the installed redshield reported $findings findings on the example (exit 1, as expected)"
