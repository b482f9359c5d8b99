#!/usr/bin/env bash
# Brings a checkout of the pre-commit mirror repository (redshield-pre-commit: the fast hook,
# on the prebuilt wheel) to release VERSION: its files become pre-commit-mirror/'s, pinned to
# the redshield wheel of VERSION, committed and tagged vVERSION. Pushing is the caller's (the
# release workflow's) step.
#
#     .github/scripts/publish-pre-commit-mirror.sh MIRROR_CHECKOUT VERSION
#
# Running it again for the same VERSION changes nothing; a tag vVERSION that already names
# other content is an error (a published hook version is never moved).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 MIRROR_CHECKOUT VERSION" >&2
    exit 2
fi
mirror=$1
version=$2
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z.]+)?$ ]]; then
    echo "error: $version is not a release version (as 1.2.3)" >&2
    exit 2
fi
source_dir=$(cd "$(dirname "$0")/../../pre-commit-mirror" && pwd)
if ! git -C "$mirror" rev-parse --git-dir >/dev/null 2>&1; then
    echo "error: $mirror is not a git checkout" >&2
    exit 2
fi

for name in .pre-commit-hooks.yaml README.md pyproject.toml; do
    cp "$source_dir/$name" "$mirror/$name"
done
# The mirror's version and its pin are the release's, whatever pre-commit-mirror/ says.
python3 - "$mirror/pyproject.toml" "$version" <<'PY'
import re
import sys

path, version = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as fh:
    text = fh.read()
text, versions = re.subn(r'(?m)^version = "[^"]*"$', f'version = "{version}"', text)
text, pins = re.subn(r'"redshield==[^"]*"', f'"redshield=={version}"', text)
if versions != 1 or pins != 1:
    sys.exit(f"error: {path}: expected one version and one redshield pin, found {versions} and {pins}")
with open(path, "w", encoding="utf-8") as fh:
    fh.write(text)
PY

cd "$mirror"
git add .pre-commit-hooks.yaml README.md pyproject.toml
tag="v$version"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
    if git diff --quiet "$tag" -- .pre-commit-hooks.yaml README.md pyproject.toml &&
        git diff --cached --quiet "$tag" -- .pre-commit-hooks.yaml README.md pyproject.toml; then
        echo "$tag is already published with this content"
        exit 0
    fi
    echo "error: $tag already names other content; a published hook version is never moved" >&2
    exit 1
fi
if ! git diff --cached --quiet; then
    git commit -q -m "redshield $version"
fi
git tag -a "$tag" -m "redshield $version"
echo "tagged $tag"
