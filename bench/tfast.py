"""A tiny Terraform expression model for the corpus generator.

Resource bodies are lists of (name, value) pairs. A value is a Python literal (str, int, bool,
None, list, dict), or one of:

  Ref("aws_vpc.main", "id")       a reference to another resource's attribute
  Local("name")                   local.name
  Tmpl(["arn:aws:s3:::", Local("b")])   a string template
  Json({...})                     jsonencode({...})
  Blk([(name, value), ...])       a nested block (repeat the pair for several blocks)

`render_hcl` writes them as `terraform fmt` would; `plan.py` evaluates them the way
`terraform plan` does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    addr: str
    attr: str

    def hcl(self) -> str:
        return f"{self.addr}.{self.attr}"


@dataclass(frozen=True)
class Local:
    name: str

    def hcl(self) -> str:
        return f"local.{self.name}"


@dataclass(frozen=True)
class Tmpl:
    parts: list

    def hcl(self) -> str:
        out = []
        for p in self.parts:
            out.append(p.replace("${", "$${") if isinstance(p, str) else "${" + p.hcl() + "}")
        s = "".join(out)
        return json.dumps(s)


@dataclass
class Json:
    obj: object


@dataclass
class Blk:
    body: list


@dataclass
class Res:
    type: str
    name: str
    body: list

    @property
    def addr(self) -> str:
        return f"{self.type}.{self.name}"


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _key(k: str) -> str:
    return k if _IDENT.match(k) else json.dumps(k)


def hcl_value(v, indent: int) -> str:
    pad = "  " * indent
    if isinstance(v, (Ref, Local)):
        return v.hcl()
    if isinstance(v, Tmpl):
        return v.hcl()
    if isinstance(v, Json):
        return "jsonencode(" + hcl_value(v.obj, indent) + ")"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        items = [hcl_value(x, indent + 1) for x in v]
        one = "[" + ", ".join(items) + "]"
        if len(one) + len(pad) < 90 and "\n" not in one:
            return one
        inner = "  " * (indent + 1)
        return "[\n" + "".join(f"{inner}{x},\n" for x in items) + pad + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        inner = "  " * (indent + 1)
        pairs = [(_key(k), hcl_value(x, indent + 1)) for k, x in v.items()]
        return "{\n" + "".join(_aligned(pairs, inner)) + pad + "}"
    raise TypeError(f"cannot render {v!r}")


def _aligned(pairs: list, pad: str) -> list[str]:
    """`terraform fmt` alignment: runs of single-line attributes share the `=` column; an
    attribute whose value spans lines ends the run and is not padded."""
    out: list[str] = []
    run: list = []

    def flush():
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {t}\n" for k, t in run)
        run.clear()

    for k, t in pairs:
        if "\n" in t:
            flush()
            out.append(f"{pad}{k} = {t}\n")
        else:
            run.append((k, t))
    flush()
    return out


def hcl_body(body: list, indent: int) -> str:
    """Attributes (with aligned `=` in runs of single-line attributes) and nested blocks."""
    pad = "  " * indent
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush():
        if run:
            width = max(len(k) for k, _ in run)
            for k, v in run:
                out.append(f"{pad}{k.ljust(width)} = {v}\n")
            run.clear()

    prev_block = False
    for k, v in body:
        if isinstance(v, Blk):
            flush()
            if out:
                out.append("\n")
            out.append(f"{pad}{k} {{\n{hcl_body(v.body, indent + 1)}{pad}}}\n")
            prev_block = True
            continue
        text = hcl_value(v, indent)
        if prev_block:
            out.append("\n")
            prev_block = False
        if "\n" in text:
            flush()
            out.append(f"{pad}{k} = {text}\n")
        else:
            run.append((k, text))
    flush()
    return "".join(out)


def render_hcl(locals_: dict, resources: list[Res]) -> str:
    out = ["locals {\n", hcl_body(list(locals_.items()), 1), "}\n"]
    for r in resources:
        out.append(f'\nresource "{r.type}" "{r.name}" {{\n')
        out.append(hcl_body(r.body, 1))
        out.append("}\n")
    return "".join(out)
