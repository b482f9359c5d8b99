#!/usr/bin/env python3
"""Writes a CloudFormation JSON twin (long-form intrinsics, 2-space indent) beside each YAML
fixture given on the command line, using cfn-lint's template decoder (`pip install cfn-lint`).
Not run by CI: the twins are committed. Usage: python3 testdata/cfn/yaml_to_json.py FILE.yaml ..."""
import json
import sys

from cfnlint.decode import decode


def plain(value):
    """cfn-lint's node types → plain JSON values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


for path in sys.argv[1:]:
    template, matches = decode(path)
    if matches:
        sys.exit(f"{path}: {matches}")
    out = path.rsplit(".", 1)[0] + ".json"
    with open(out, "w") as f:
        json.dump(plain(template), f, indent=2)
        f.write("\n")
    print(out)
