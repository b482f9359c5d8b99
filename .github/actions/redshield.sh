#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml): `resolve` decides what to install, `install`
# installs it, `run` runs redshield once for every report. Inputs arrive as environment
# variables (INPUT_*), never spliced into the script; results go to $GITHUB_OUTPUT.
# tests/action.rs runs these steps as the runner does, with a local directory for the release.
set -euo pipefail

step=${1:?usage: redshield.sh resolve|install|run}
action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}

output() { printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:?}"; }
fail() { echo "::error title=redshield::$1" >&2; exit 2; }
digest() { if command -v sha256sum > /dev/null; then sha256sum; else shasum -a 256; fi; }

# Splits a list separated by spaces, commas or new lines into the array named $1.
split() {
  local -n into=$1
  # shellcheck disable=SC2034 # `into` is the caller's array
  read -r -d '' -a into < <(printf '%s\0' "$(printf '%s' "$2" | tr ',\n' '  ')") || true
}

resolve() {
  local version=${INPUT_VERSION:-} ref=${ACTION_REF:-} repository=${ACTION_REPOSITORY:-}
  # github.action_ref/action_repository are empty in some composite-action contexts; the
  # runner checks actions out at _actions/OWNER/REPO/REF, which says the same.
  if [ -z "$ref" ]; then ref=$(basename "$action_path"); fi
  if [ -z "$repository" ]; then
    repository="$(basename "$(dirname "$(dirname "$action_path")")")/$(basename "$(dirname "$action_path")")"
  fi
  local crate
  crate=$(sed -n 's/^version = "\(.*\)"/\1/p' "$action_path/Cargo.toml" | head -n 1)
  version=${version#v}
  if [ -z "$version" ]; then
    # At a version tag (v0.2.0, or a moving v0) the checkout is that release's source, and
    # its Cargo.toml names the release (the release workflow checks tag = v<version>).
    if [[ $ref =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then version=$crate; else version=source; fi
  fi
  if [ "$version" = source ]; then
    output install source
    echo "redshield: building $repository@$ref from source (not a release)"
  else
    [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] \
      || fail "version: \`$version\` is neither a release (0.2.0) nor \`source\`"
    output install release
    echo "redshield: installing release $version"
  fi
  output version "$version"
  output repository "$repository"
  # The build's cache: exact for these sources, a prefix for the same Cargo.lock (registry).
  local lock source prefix
  lock=$(digest < "$action_path/Cargo.lock" | cut -c1-16)
  source=$(cd "$action_path" && find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 cat | digest | cut -c1-16)
  prefix="redshield-source-${RUNNER_OS:-$(uname -s)}-$(uname -m)-$lock-"
  output cache-prefix "$prefix"
  output cache-key "$prefix$source"
}

install() {
  local bin
  case "${INSTALL:?}" in
    release) bin=$(install_release) ;;
    source) bin=$(install_source) ;;
    *) fail "unknown install kind $INSTALL" ;;
  esac
  local exe=$bin/redshield
  if [ -x "$exe.exe" ]; then exe=$exe.exe; fi
  "$exe" --version
  output redshield "$exe"
  # Later steps of the job may run redshield too.
  echo "$bin" >> "${GITHUB_PATH:-/dev/null}"
}

# The release's wheel from the package index, accepted only when its SHA-256 is one the
# GitHub release lists in SHA256SUMS: pip picks the wheel for this platform, --require-hashes
# refuses any other file, and the checksums come from the release, not from the index.
# Prints the directory holding the executable.
install_release() {
  local version=${VERSION:?} base=${REDSHIELD_RELEASE_BASE:-https://github.com/${REPOSITORY:?}/releases/download}
  local dir=${RUNNER_TEMP:?}/redshield-$version
  mkdir -p "$dir"
  curl --fail --silent --show-error --location --retry 3 \
    --output "$dir/SHA256SUMS" "$base/v$version/SHA256SUMS" >&2 \
    || fail "cannot download $base/v$version/SHA256SUMS: is redshield $version released? (version: source builds the action's checkout)"
  {
    printf 'redshield==%s' "$version"
    awk '$2 ~ /\.whl$/ { printf " \\\n    --hash=sha256:%s", $1 }' "$dir/SHA256SUMS"
    printf '\n'
  } > "$dir/requirements.txt"
  grep -q -- '--hash=' "$dir/requirements.txt" || fail "the release's SHA256SUMS lists no wheel"
  local python=python3
  command -v "$python" > /dev/null || python=python
  "$python" -m venv "$dir/venv" >&2
  local bin=$dir/venv/bin
  if [ -d "$dir/venv/Scripts" ]; then bin=$dir/venv/Scripts; fi
  "$bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --only-binary :all: --require-hashes --requirement "$dir/requirements.txt" >&2 \
    || fail "pip could not install a redshield $version wheel matching the release's SHA256SUMS"
  printf '%s\n' "$bin"
}

# `cargo install` of the action's checkout, skipped when the restored cache holds the binary
# of these very sources (a prefix match restores an older one). Prints its directory.
install_source() {
  local root=${RUNNER_TEMP:?}/redshield-source
  if [ ! -x "$root/bin/redshield" ] || [ "$(cat "$root/sources" 2>/dev/null)" != "${CACHE_KEY:?}" ]; then
    cargo install --locked --force --path "$action_path" --root "$root" >&2
    printf '%s\n' "$CACHE_KEY" > "$root/sources"
  fi
  printf '%s\n' "$root/bin"
}

# Makes sure the commit $1 is in the repository, fetching it (alone) when the checkout lacks
# it; returns 1 when it cannot be had.
have_commit() {
  local commit=$1
  if [ -z "$commit" ] || [[ $commit =~ ^0+$ ]]; then return 1; fi
  if ! git cat-file -e "$commit^{commit}" 2> /dev/null; then
    git fetch --quiet --no-tags --depth=1 origin "$commit" >&2 || return 1
  fi
}

# Prints, NUL-separated, the files the pull request (or push) changes, relative to the working
# directory; returns 1 when the base commit cannot be had.
changed_files() {
  local base=${BASE_SHA:-}
  have_commit "$base" || return 1
  local top
  top=$(git rev-parse --show-toplevel)
  # --no-renames: a moved file's old directory is analyzed too (what remains there changed).
  git diff --name-only --no-renames -z "$base" HEAD -- | while IFS= read -r -d '' file; do
    printf '%s\0' "$top/$file"
  done
}

# Whether $1 (an absolute path) is one of the inputs $2... or inside one of them.
under_inputs() {
  local file=$1 input
  shift
  for input in "$@"; do
    if [ "$file" = "$input" ] || [[ $file == "$input"/* ]]; then return 0; fi
  done
  return 1
}

# The absolute, physical form of a path that may not exist (its directory must).
absolute() {
  if [ -d "$1" ]; then (cd "$1" && pwd -P); else printf '%s/%s\n' "$(cd "$(dirname "$1")" 2> /dev/null && pwd -P)" "$(basename "$1")"; fi
}

run() {
  local redshield=${REDSHIELD:?the install step gave no redshield}
  local paths=() formats=() var_files=() extra=()
  split paths "${INPUT_PATHS:-}"
  split formats "${INPUT_FORMATS:-}"
  split var_files "${INPUT_VAR_FILES:-}"
  read -r -a extra <<< "${INPUT_ARGS:-}"
  if [ "${#paths[@]}" -eq 0 ]; then paths=(.); fi
  if [ "${#formats[@]}" -eq 0 ]; then formats=(github); fi

  local args=(check) json="" sarif="" entry name file
  for entry in "${formats[@]}"; do
    name=${entry%%:*}
    file=""
    if [ "$name" != "$entry" ]; then file=${entry#*:}; fi
    name=$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')
    if [ -z "$file" ]; then
      case "$name" in
        sarif) file=redshield.sarif ;;
        json) file=redshield.json ;;
        junit) file=redshield-junit.xml ;;
        gitlab) file=gl-code-quality-report.json ;;
        markdown) file=redshield.md ;;
      esac
    fi
    if [ -n "$file" ]; then
      mkdir -p "$(dirname "$file")"
      args+=(--report "$name:$file")
    else
      args+=(--report "$name")
    fi
    case "$name" in
      sarif) sarif=$(absolute "$file") ;;
      json) json=$file ;;
    esac
  done
  # The findings output is read from a JSON report of the same run.
  if [ -z "$json" ]; then
    json=${RUNNER_TEMP:?}/redshield-report-$$.json
    args+=(--report "json:$json")
  fi

  case "${INPUT_FAIL_ON:-}" in
    "") ;;
    never) args+=(--exit-zero) ;;
    *) args+=(--fail-on "$INPUT_FAIL_ON") ;;
  esac
  if [ -n "${INPUT_SEVERITY:-}" ]; then args+=(--severity "$INPUT_SEVERITY"); fi
  if [ -n "${INPUT_SELECT:-}" ]; then args+=(--select "$INPUT_SELECT"); fi
  if [ -n "${INPUT_IGNORE:-}" ]; then args+=(--ignore "$INPUT_IGNORE"); fi
  if [ -n "${INPUT_CONFIG:-}" ]; then args+=(--config "$INPUT_CONFIG"); fi
  if [ -n "${INPUT_BASELINE:-}" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
  if [ "${INPUT_STRICT:-false}" = true ]; then args+=(--strict); fi
  local diff_base=${INPUT_DIFF_BASE:-}
  case "$diff_base" in none | false) diff_base="" ;; esac
  if [ -n "$diff_base" ]; then
    if have_commit "$diff_base"; then
      args+=(--diff-base "$diff_base")
    else
      echo "::warning title=redshield::diff-base: $diff_base cannot be fetched; findings are not compared with it"
    fi
  fi
  if [ "${INPUT_FAIL_ON_NEW:-false}" = true ]; then args+=(--fail-on-new); fi
  local var_file
  for var_file in "${var_files[@]}"; do args+=(--var-file "$var_file"); done
  args+=("${extra[@]}")

  if [ "${INPUT_ONLY_CHANGED:-false}" = true ]; then
    local changed=() inputs=() input here
    for input in "${paths[@]}"; do inputs+=("$(absolute "$input")"); done
    here=$(pwd -P)
    # The list ends with `ok` only when changed_files succeeded.
    mapfile -d '' changed < <(changed_files && printf 'ok\0')
    if [ "${#changed[@]}" -gt 0 ] && [ "${changed[${#changed[@]} - 1]}" = ok ]; then
      unset 'changed[${#changed[@]} - 1]'
      paths=()
      for file in "${changed[@]}"; do
        case "$file" in
          *.tf | *.tf.json | *.tfvars | *.tfvars.json | *.json | *.yaml | *.yml | *.template) ;;
          *) continue ;;
        esac
        under_inputs "$file" "${inputs[@]}" || continue
        if [[ $file == "$here"/* ]]; then file=${file#"$here"/}; fi
        paths+=("$file")
      done
      if [ "${#paths[@]}" -eq 0 ]; then
        echo "redshield: no Terraform or CloudFormation file under ${INPUT_PATHS:-.} changed; nothing to analyze"
        output findings 0
        output introduced ""
        output sarif-file ""
        return 0
      fi
      args+=(--whole-modules)
      echo "redshield: analyzing what changed since ${BASE_SHA:0:12}: ${paths[*]}"
    else
      echo "::warning title=redshield::only-changed: the base commit is unknown or cannot be fetched; analyzing ${paths[*]}"
    fi
  fi

  rm -f "$json"
  local status=0
  "$redshield" "${args[@]}" -- "${paths[@]}" || status=$?

  local findings=0 introduced=""
  if [ -f "$json" ]; then
    if command -v jq > /dev/null; then
      findings=$(jq '.summary.findings' "$json")
      introduced=$(jq -r '.summary.introduced // empty' "$json")
    else
      findings=$(sed -n 's/.*"findings": \([0-9][0-9]*\),.*/\1/p' "$json" | tail -n 1)
      introduced=$(sed -n 's/.*"introduced": \([0-9][0-9]*\),*$/\1/p' "$json" | tail -n 1)
    fi
  fi
  output findings "${findings:-0}"
  output introduced "$introduced"
  if [ -n "$sarif" ] && [ -f "$sarif" ]; then output sarif-file "$sarif"; else output sarif-file ""; fi
  if [ "$status" -eq 1 ] && [ "${INPUT_FAIL_ON_NEW:-false}" = true ]; then
    echo "redshield: ${introduced:-some} finding(s) the change introduces fail the step (fail-on: ${INPUT_FAIL_ON:-any reported}); fail-on: never only reports them"
  elif [ "$status" -eq 1 ]; then
    echo "redshield: ${findings:-some} finding(s) fail the step (fail-on: ${INPUT_FAIL_ON:-any reported}); fail-on: never only reports them"
  fi
  return "$status"
}

case "$step" in
  resolve) resolve ;;
  install) install ;;
  run) run ;;
  *) fail "unknown step $step" ;;
esac
