"""Rewrites a format 1.2 plan (Terraform 1.11) into the shape an older CLI writes.
usage: old_format.py 0.1|0.2 IN OUT"""
import json, re, sys

fmt, src, dst = sys.argv[1:4]
d = json.load(open(src))
d["format_version"] = fmt
d["terraform_version"] = {"0.1": "0.13.7", "0.2": "1.0.11"}[fmt]
# Keys written from 1.2 on (relevant_attributes 1.2, checks 1.3, timestamp 1.5, errored 1.6,
# applyable/complete 1.8).
for k in ["relevant_attributes", "checks", "timestamp", "applyable", "complete", "errored"]:
    d.pop(k, None)
for p in d.get("configuration", {}).get("provider_config", {}).values():
    p.pop("full_name", None)  # 1.1+
for rc in d.get("resource_changes", []):
    rc.pop("previous_address", None)  # 1.1+
    if fmt == "0.1":
        # action_reason and replace_paths arrived during 0.15; *_sensitive in 0.15.
        rc.pop("action_reason", None)
        for k in ["before_sensitive", "after_sensitive", "replace_paths"]:
            rc["change"].pop(k, None)

def walk_values(m):
    for r in m.get("resources", []):
        r.pop("sensitive_values", None)  # format 0.2
    for c in m.get("child_modules", []):
        walk_values(c)

def subject(ref):
    """What Terraform 0.12-0.15 wrote: the referenced object alone."""
    steps = re.findall(r'\[[^\]]*\]|[^.\[]+', ref)
    if steps[0] in ("var", "local", "count", "each", "path", "terraform", "self"):
        n = 2
    elif steps[0] == "module":
        n = 3 + (1 if len(steps) > 2 and steps[2].startswith("[") else 0)
    elif steps[0] == "data":
        n = 3 + (1 if len(steps) > 3 and steps[3].startswith("[") else 0)
    else:
        n = 2 + (1 if len(steps) > 2 and steps[2].startswith("[") else 0)
    out = ""
    for s in steps[:n]:
        out += s if s.startswith("[") or not out else "." + s
    return out

def is_prefix(short, long):
    return long.startswith(short) and len(long) > len(short) and long[len(short)] in ".["

def collapse(refs):
    groups = []
    for r in refs:
        if groups and is_prefix(r, groups[-1][-1]):
            groups[-1].append(r)
        else:
            groups.append([r])
    return [subject(g[0]) for g in groups]

def walk_config(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "references" and isinstance(v, list):
                x[k] = collapse(v)
            else:
                walk_config(v)
    elif isinstance(x, list):
        for v in x:
            walk_config(v)

def module_keys(m, path):
    """Terraform 0.13-0.15 names a child module's inherited provider `<call path>:aws`."""
    for r in m.get("resources", []):
        if path and r.get("provider_config_key") == "aws":
            r["provider_config_key"] = ".".join(path) + ":aws"
    for name, call in m.get("module_calls", {}).items():
        module_keys(call.get("module", {}), path + [name])

if fmt == "0.1":
    walk_values(d.get("planned_values", {}).get("root_module", {}))
    walk_values(d.get("prior_state", {}).get("values", {}).get("root_module", {}))
    walk_config(d.get("configuration", {}))
    module_keys(d.get("configuration", {}).get("root_module", {}), [])
json.dump(d, open(dst, "w"), indent=2)
open(dst, "a").write("\n")
