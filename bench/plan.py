"""Synthesizes `terraform show -json` output (format 1.2) for generated stacks.

What Terraform itself decides is reproduced from its source (internal/command/jsonplan and
jsonconfig): unknown values are left out of `after` (null inside lists) and marked in
`after_unknown`; `after_sensitive` marks lists and maps (empty for unknown ones); configuration
expressions carry `constant_value` only when they need no context (no references, no function
calls) and `references` list every traversal with its prefixes. What the AWS provider decides
(defaults, computed attributes, nested-block defaults) comes from plan_schema.json, extracted
from real plans by extract_plan_schema.py. Sets of objects keep configuration order (Terraform
orders them by hash; no reader may depend on it).
"""

from __future__ import annotations

import json
import os

from tfast import Blk, Json, Local, Ref, Res, Tmpl

TERRAFORM_VERSION = "1.11.4"
PROVIDER = "registry.terraform.io/hashicorp/aws"
TIMESTAMP = "2026-01-05T09:30:00Z"

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plan_schema.json")) as _fh:
    SCHEMA: dict = json.load(_fh)


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


def _schema_value(v):
    return UNKNOWN if v == {"$unknown": True} else v


def go_json(value) -> str:
    """jsonencode: compact, keys sorted, HTML characters escaped like Go's encoder."""
    s = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def references(v) -> list[str]:
    if isinstance(v, Ref):
        return [f"{v.addr}.{v.attr}", v.addr]
    if isinstance(v, Local):
        return [f"local.{v.name}"]
    if isinstance(v, Tmpl):
        return [r for p in v.parts if not isinstance(p, str) for r in references(p)]
    if isinstance(v, Json):
        return references(v.obj)
    if isinstance(v, list):
        return [r for x in v for r in references(x)]
    if isinstance(v, dict):
        return [r for x in v.values() for r in references(x)]
    if isinstance(v, Blk):
        return [r for _, x in v.body for r in references(x)]
    return []


def has_call(v) -> bool:
    if isinstance(v, Json):
        return True
    if isinstance(v, list):
        return any(map(has_call, v))
    if isinstance(v, dict):
        return any(map(has_call, v.values()))
    if isinstance(v, Blk):
        return any(has_call(x) for _, x in v.body)
    return False


class Unit:
    """One module's resources, evaluated the way `terraform plan` would."""

    def __init__(self, locals_: dict, resources: list[Res], prefix: str = ""):
        self.locals = locals_
        self.resources = {r.addr: r for r in resources}
        self.prefix = prefix
        self._full: dict = {}

    # -- evaluation -------------------------------------------------------------------------

    def eval(self, v):
        if isinstance(v, Ref):
            full = self.full(self.resources[v.addr])
            return full.get(v.attr, UNKNOWN)
        if isinstance(v, Local):
            return self.eval(self.locals[v.name])
        if isinstance(v, Tmpl):
            parts = [p if isinstance(p, str) else self.eval(p) for p in v.parts]
            if any(p is UNKNOWN for p in parts):
                return UNKNOWN
            return "".join(str(p) for p in parts)
        if isinstance(v, Json):
            obj = self.eval(v.obj)
            return UNKNOWN if _contains_unknown(obj) else go_json(obj)
        if isinstance(v, list):
            items = [self.eval(x) for x in v]
            return UNKNOWN if any(x is UNKNOWN for x in items) else items
        if isinstance(v, dict):
            return {k: self.eval(x) for k, x in v.items()}
        return v

    def _block(self, blk: Blk, spec: dict) -> dict:
        out = {}
        for name, a in spec.get("attrs", {}).items():
            if "default" in a:
                out[name] = _schema_value(a["default"])
        subs: dict = {}
        for k, v in blk.body:
            if isinstance(v, Blk):
                subs.setdefault(k, []).append(v)
            else:
                out[k] = self.eval(v)
        for k, blks in subs.items():
            sub = spec.get("blocks", {}).get(k, {})
            out[k] = [self._block(b, sub) for b in blks]
        return dict(sorted(out.items()))

    def full(self, res: Res) -> dict:
        """The planned object: every attribute, UNKNOWN where Terraform does not know it yet."""
        if res.addr in self._full:
            return self._full[res.addr]
        spec = SCHEMA[res.type]
        out = {}
        for name, a in spec["attrs"].items():
            if "default" in a:
                out[name] = _schema_value(a["default"])
        blocks: dict = {}
        for k, v in res.body:
            if isinstance(v, Blk):
                blocks.setdefault(k, []).append(v)
            else:
                out[k] = self.eval(v)
        for k, blks in blocks.items():
            elems = [self._block(b, spec["blocks"].get(k, {})) for b in blks]
            out[k] = elems
        if any(k == "tags" for k, _ in res.body):  # no default_tags: tags_all is tags
            out["tags_all"] = out["tags"]
        # Provider normalizations seen in real plans.
        if res.type == "aws_redshift_logging" and isinstance(out.get("log_exports"), list):
            out["log_exports"] = sorted(out["log_exports"])
        if res.type == "aws_iam_role_policy" and isinstance(out.get("policy"), str):
            doc = json.loads(out["policy"])
            head = {k: doc.pop(k) for k in ("Version", "Id", "Statement") if k in doc}
            out["policy"] = json.dumps({**head, **doc}, separators=(",", ":"), ensure_ascii=False)
        out = dict(sorted(out.items()))
        self._full[res.addr] = out
        return out

    # -- JSON -------------------------------------------------------------------------------

    def change(self, res: Res) -> dict:
        spec = SCHEMA[res.type]
        full = self.full(res)
        return {
            "actions": ["create"],
            "before": None,
            "after": omit_unknowns(full),
            "after_unknown": unknown_as_bool(full) or {},
            "before_sensitive": False,
            "after_sensitive": sensitive_as_bool(full, spec),
        }

    def expressions(self, res: Res) -> dict:
        spec = SCHEMA[res.type]
        out: dict = {}
        blocks: dict = {}
        for k, v in res.body:
            if isinstance(v, Blk):
                blocks.setdefault(k, []).append(v)
            else:
                out[k] = expression(v)
        for k, blks in blocks.items():
            bspec = spec["blocks"].get(k, {})
            if bspec.get("mode") == "attr":
                # An attribute written as blocks: one expression for the whole list.
                refs = [r for b in blks for r in references(b)]
                if refs:
                    out[k] = {"references": refs}
                else:
                    names = sorted(bspec.get("attrs", {}))
                    out[k] = {"constant_value": [{n: dict(b.body).get(n) for n in names} for b in blks]}
            else:
                out[k] = [block_expressions(b) for b in blks]
        return dict(sorted(out.items()))

    def relevant(self) -> list[dict]:
        seen: list = []
        for res in self.resources.values():
            for _, v in res.body:
                for r in _refs(v):
                    item = (self.prefix + r.addr, r.attr)
                    if item not in seen:
                        seen.append(item)
        return [{"resource": a, "attribute": [attr]} for a, attr in seen]


def _refs(v):
    if isinstance(v, Ref):
        yield v
    elif isinstance(v, Tmpl):
        for p in v.parts:
            yield from _refs(p)
    elif isinstance(v, Json):
        yield from _refs(v.obj)
    elif isinstance(v, list):
        for x in v:
            yield from _refs(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from _refs(x)
    elif isinstance(v, Blk):
        for _, x in v.body:
            yield from _refs(x)


def expression(v) -> dict:
    refs = references(v)
    if refs:
        return {"references": refs}
    if has_call(v) or isinstance(v, (Tmpl, Local)):
        return {}
    return {"constant_value": v}


def block_expressions(blk: Blk) -> dict:
    out: dict = {}
    subs: dict = {}
    for k, v in blk.body:
        if isinstance(v, Blk):
            subs.setdefault(k, []).append(v)
        else:
            out[k] = expression(v)
    for k, blks in subs.items():
        out[k] = [block_expressions(b) for b in blks]
    return dict(sorted(out.items()))


def _contains_unknown(v) -> bool:
    if v is UNKNOWN:
        return True
    if isinstance(v, list):
        return any(map(_contains_unknown, v))
    if isinstance(v, dict):
        return any(map(_contains_unknown, v.values()))
    return False


def omit_unknowns(v):
    if isinstance(v, dict):
        return {k: omit_unknowns(x) for k, x in v.items() if x is not UNKNOWN}
    if isinstance(v, list):
        return [None if x is UNKNOWN else omit_unknowns(x) for x in v]
    return v


def unknown_as_bool(v):
    """Terraform's unknownAsBool; False for known primitives (left out of objects)."""
    if v is UNKNOWN:
        return True
    if v is None:
        return False
    if isinstance(v, list):
        return [unknown_as_bool(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            b = unknown_as_bool(x)
            if b is not False:
                out[k] = b
        return out
    return False


def sensitive_as_bool(full: dict, spec: dict) -> dict:
    """Terraform's SensitiveAsBool for a planned object (no values are marked sensitive by the
    configuration here; the schema says which attributes the provider marks)."""

    def value(v, kind):
        if v is UNKNOWN:
            return [] if kind == "list" else {} if kind == "map" else False
        if v is None:
            return False
        if isinstance(v, list):
            return [value(x, None) if not isinstance(x, dict) else obj(x, {}) for x in v]
        if isinstance(v, dict):
            return obj(v, {})
        return False

    def obj(o: dict, attrs: dict, blocks: dict | None = None):
        out = {}
        for k, x in o.items():
            a = attrs.get(k, {})
            if a.get("sensitive"):
                out[k] = True
                continue
            if blocks and k in blocks and isinstance(x, list):
                b = [obj(e, blocks[k].get("attrs", {}), blocks[k].get("blocks", {})) for e in x]
            else:
                b = value(x, a.get("kind"))
            if b is not False:
                out[k] = b
        return out

    return obj(full, spec["attrs"], spec["blocks"])


# ------------------------------------------------------------------------------------------------


def plan_json(doc: dict) -> str:
    """`terraform show -json` output: compact, HTML characters escaped, one line."""
    return go_json_unsorted(doc) + "\n"


def go_json_unsorted(value) -> str:
    s = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def stack_parts(st, modules: bool) -> dict:
    """One stack's share of a plan: resource changes, planned values, configuration."""
    from gen_corpus import tf_resources  # late: gen_corpus imports this module

    loc, rs = tf_resources(st)
    prefix = f"module.stack_{st.i:05d}." if modules else ""
    unit = Unit(loc, rs, prefix)
    changes, planned, config = [], [], []
    for res in sorted(rs, key=lambda r: r.addr):
        addr = prefix + res.addr
        spec = SCHEMA[res.type]
        ch = unit.change(res)
        rc = {"address": addr}
        if modules:
            rc["module_address"] = prefix[:-1]
        rc.update({"mode": "managed", "type": res.type, "name": res.name, "provider_name": PROVIDER, "change": ch})
        changes.append(rc)
        planned.append(
            {
                "address": addr,
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                "provider_name": PROVIDER,
                "schema_version": spec["schema_version"],
                "values": ch["after"],
                "sensitive_values": ch["after_sensitive"],
            }
        )
        config.append(
            {
                "address": res.addr,
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                "provider_config_key": "aws",
                "expressions": unit.expressions(res),
                "schema_version": spec["schema_version"],
            }
        )
    return {"changes": changes, "planned": planned, "config": config, "relevant": unit.relevant(), "prefix": prefix}


def provider_config(region: str) -> dict:
    return {
        "aws": {
            "name": "aws",
            "full_name": PROVIDER,
            "version_constraint": "~> 5.0",
            "expressions": {"region": {"constant_value": region}},
        }
    }


def plan_document(stacks: list, modules: bool = False, region: str | None = None) -> dict:
    """The plan of one stack (root module), or of many stacks as local modules of one root
    (`module "stack_NNNNN" { source = "./stacks/stack_NNNNN" }`)."""
    region = region or stacks[0].region
    parts = [stack_parts(st, modules) for st in stacks]
    if modules:
        planned_root = {
            "child_modules": [{"resources": p["planned"], "address": p["prefix"][:-1]} for p in parts]
        }
        config_root = {
            "module_calls": {
                f"stack_{st.i:05d}": {"source": f"./stacks/stack_{st.i:05d}", "module": {"resources": p["config"]}}
                for st, p in zip(stacks, parts)
            }
        }
    else:
        planned_root = {"resources": [r for p in parts for r in p["planned"]]}
        config_root = {"resources": [r for p in parts for r in p["config"]]}
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": planned_root},
        "resource_changes": sorted((c for p in parts for c in p["changes"]), key=lambda c: c["address"]),
        "configuration": {"provider_config": provider_config(region), "root_module": config_root},
        "relevant_attributes": [r for p in parts for r in p["relevant"]],
        "timestamp": TIMESTAMP,
        "applyable": True,
        "complete": True,
        "errored": False,
    }
