"""Terraform or the provider would reject the configuration's shape: unknown
resource types, unknown or missing arguments, blocks written wrongly, or
references to attributes a resource does not export.

Checked against the shipped schema of the AWS provider version the answer's
``required_providers`` constraint would install (6.25.0 when it admits 6.x,
else 5.100.0; findings name it): resource and data source types (with a
did-you-mean suggestion), arguments and nested blocks at every depth, required
arguments, computed-only attributes set by hand, too many nested blocks, a
block written as an argument or the other way round, and
``type.name.attribute`` references. Types of other providers are not judged;
the language's own rules (meta-arguments, backend blocks, names declared twice)
are judged for every provider.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from graders import meta_arguments
from graders.base import CouldNotJudge, Finding, Grader, Measured, Severity
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import UNKNOWN, Call, Expr, Traversal, evaluate, walk
from harness.config.model import Block, Declared
from harness.provider_schema import BlockSchema, ProviderSchema, aws_for

META_ARGUMENTS = {"count", "for_each", "provider", "depends_on"}
META_BLOCKS = {"lifecycle", "provisioner", "connection", "dynamic"}
SOURCES = {"hashicorp/aws", "registry.terraform.io/hashicorp/aws"}


def check(answer: Answer) -> Measured:
    constraint = aws_constraint(answer.config)
    schema = aws_for(constraint)
    merged = {f.name for f in answer.extraction.files if len(f.blocks) > 1}
    language = [
        f for m in answer.config.modules() for f in meta_arguments.findings(m, merged)
    ]
    objects = [
        o
        for m in answer.config.modules()
        for o in m.objects.values()
        if o.kind in ("resource", "data") and o.type.startswith(schema.prefix)
    ]
    if not objects and not language:
        raise CouldNotJudge(
            "the answer declares no types of a provider the schema covers"
        )
    findings = language + [
        f for module in answer.config.modules() for f in _module(module, schema)
    ]
    return Measured(findings, {"aws_provider": schema.version})


def aws_constraint(config: Configuration) -> str | None:
    """Every module's ``version`` constraint on the AWS provider, joined with
    commas as Terraform joins them, or None when no module states one."""
    found = []
    for module in config.modules():
        for block in module.blocks:
            found += _constraints(block)
    return ", ".join(found) if found else None


def _constraints(block: Block) -> list[str]:
    """Constraints in ``terraform { required_providers { ... } }`` and in the
    older ``provider "aws" { version = ... }``."""
    values: list[object] = []
    if block.type == "provider" and block.labels[:1] == ("aws",):
        values = [_version(block)]
    elif block.type == "terraform":
        for required in block.blocks_of("required_providers"):
            values += _required(required)
    return [v for v in values if isinstance(v, str)]


def _required(required: Block) -> Iterator[object]:
    for name, attr in required.attributes.items():
        if name == "aws":
            yield evaluate(attr.expr)  # the older ``aws = "~> 5.0"``, if a string
        for entry in required.nested(name):
            if _is_aws(name, entry):
                yield _version(entry)


def _version(block: Block) -> object:
    expr = block.get("version")
    return None if expr is None else evaluate(expr)


def _is_aws(name: str, entry: Block) -> bool:
    """Whether a ``required_providers`` entry is the HashiCorp AWS provider."""
    expr = entry.get("source")
    if expr is None:
        return name == "aws"
    source = evaluate(expr)
    return isinstance(source, str) and source.lower() in SOURCES


def _module(config: Configuration, schema: ProviderSchema) -> Iterator[Finding]:
    for obj in config.objects.values():
        if obj.kind in ("resource", "data") and obj.type.startswith(schema.prefix):
            yield from _declared(obj, schema)
        yield from _references(config, obj, schema)


def _table(schema: ProviderSchema, kind: str) -> dict[str, BlockSchema]:
    return schema.resources if kind == "resource" else schema.data_sources


def _declared(obj: Declared, schema: ProviderSchema) -> Iterator[Finding]:
    table = _table(schema, obj.kind)
    block_schema = table.get(obj.type)
    what = "resource type" if obj.kind == "resource" else "data source type"
    if block_schema is None:
        close = difflib.get_close_matches(obj.type, table, n=1, cutoff=0.8)
        hint = f"Did you mean {close[0]}?" if close else "Use a type the provider has."
        yield Finding.at(
            obj,
            f"{obj.address}: the AWS provider {schema.version} has "
            f"no {what} {obj.type}",
            hint=hint,
        )
        return
    assert obj.block is not None
    yield from _body(obj, obj.block, block_schema, obj.type, schema.version)


def _body(
    obj: Declared, block: Block, schema: BlockSchema, where: str, version: str
) -> Iterator[Finding]:
    if schema.unchecked:
        return  # the data does not record what this block holds
    for name, attr in block.attributes.items():
        if name in META_ARGUMENTS:
            continue
        flags = schema.attributes.get(name)
        if flags is None:
            if name in schema.blocks:
                yield _finding(
                    obj,
                    f"{where}: {name} is a block, not an argument",
                    f"Write {name} {{ ... }}.",
                    attr.location.line,
                )
            else:
                yield _finding(
                    obj,
                    f"{where}: the AWS provider {version} has no argument {name}",
                    _suggest(name, schema),
                    attr.location.line,
                )
        elif flags == "c":
            yield _finding(
                obj,
                f"{where}: {name} is computed by the provider and cannot be set",
                f"Remove {name}.",
                attr.location.line,
            )
    yield from _blocks(obj, block, schema, where, version)
    for name, flags in schema.attributes.items():
        if "r" in flags and name not in block.attributes:
            yield _finding(
                obj,
                f"{where}: missing required argument {name}",
                f"Set {name}.",
                block.location.line,
            )


def _blocks(
    obj: Declared, block: Block, schema: BlockSchema, where: str, version: str
) -> Iterator[Finding]:
    counts: dict[str, int] = {}
    for child in block.blocks:
        if child.type in META_BLOCKS and child.type != "dynamic":
            continue
        name = (
            child.labels[0] if child.type == "dynamic" and child.labels else child.type
        )
        if child.type == "dynamic" and name in META_ARGUMENTS | {"lifecycle"}:
            continue  # the language's own finding
        counts[name] = counts.get(name, 0) + 1
        nested = schema.blocks.get(name)
        inner = (
            child.blocks_of("content")[0]
            if child.type == "dynamic" and child.blocks_of("content")
            else child
        )
        if nested is not None:
            yield from _body(obj, inner, nested[3], f"{where}.{name}", version)
        elif name in schema.objects:
            yield from _object_keys(obj, inner, schema.objects[name], f"{where}.{name}")
        elif name in schema.attributes:
            yield _finding(
                obj,
                f"{where}: {name} is an argument, not a block",
                f"Write {name} = ...",
                child.location.line,
            )
        else:
            yield _finding(
                obj,
                f"{where}: the AWS provider {version} has no block {name}",
                _suggest(name, schema),
                child.location.line,
            )
    for name, (_, low, high, _inner) in schema.blocks.items():
        found = counts.get(name, 0)
        dynamic = any(
            c.type == "dynamic" and c.labels[:1] == (name,) for c in block.blocks
        )
        if high and found > high and not dynamic:
            yield _finding(
                obj,
                f"{where}: {found} {name} blocks, at most {high} allowed",
                f"Keep one {name} block.",
                block.location.line,
            )
        if low and found < low and not dynamic and name not in block.attributes:
            yield _finding(
                obj,
                f"{where}: missing required block {name}",
                f"Add a {name} block.",
                block.location.line,
            )


def _object_keys(
    obj: Declared, block: Block, keys: frozenset[str], where: str
) -> Iterator[Finding]:
    for name, attr in block.attributes.items():
        if name not in keys:
            close = difflib.get_close_matches(name, keys, n=1, cutoff=0.7)
            hint = f"Did you mean {close[0]}?" if close else "Remove it."
            yield _finding(
                obj, f"{where}: unknown argument {name}", hint, attr.location.line
            )


def _suggest(name: str, schema: BlockSchema) -> str:
    names = list(schema.attributes) + list(schema.blocks) + list(schema.objects)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.7)
    return f"Did you mean {close[0]}?" if close else "Remove it."


def _finding(obj: Declared, message: str, hint: str, line: int) -> Finding:
    return Finding(
        f"{obj.address}: {message}", obj.location.file, line, obj.address, hint=hint
    )


def _references(
    config: Configuration, obj: Declared, schema: ProviderSchema
) -> Iterator[Finding]:
    """``aws_x.name.attribute`` where the type exports no such attribute."""
    if obj.block is None and obj.expr is None:
        return
    expressions = [e for _, e in obj.block.expressions()] if obj.block else [obj.expr]
    seen = set()
    for expr in expressions:
        guarded = _guarded(expr)  # type: ignore[arg-type]
        for node, _ in walk(expr):  # type: ignore[arg-type]
            if not isinstance(node, Traversal):
                continue
            if id(node) in guarded and _dynamic_index(node):
                # checked only when planned, where try() and can() catch it
                continue
            hit = _bad_attribute(config, node, schema)
            if hit and hit not in seen:
                seen.add(hit)
                target, attribute, close = hit
                type_ = target.split(".")[-2]
                hint = (
                    f"Did you mean {close}?" if close else "Use an exported attribute."
                )
                yield Finding.at(
                    obj,
                    f"{obj.address} reads {target}.{attribute}, which {type_} "
                    f"does not export in the AWS provider {schema.version}",
                    hint=hint,
                )


def _guarded(expr: Expr) -> set[int]:
    """The nodes inside a ``try()`` or ``can()``, by identity."""
    inside: set[int] = set()
    for node, _ in walk(expr):
        if isinstance(node, Call) and node.name in ("try", "can"):
            inside |= {id(n) for arg in node.args for n, _ in walk(arg)}
    return inside


def _dynamic_index(trav: Traversal) -> bool:
    """An index Terraform cannot know before planning: after it, attributes
    are not checked against the schema when the configuration is validated."""
    return any(
        s.kind == "splat"
        or (s.kind == "index" and (s.key is None or evaluate(s.key) is UNKNOWN))
        for s in trav.steps
    )


def _bad_attribute(
    config: Configuration, trav: Traversal, schema: ProviderSchema
) -> tuple[str, str, str | None] | None:
    data = trav.root == "data"
    steps = list(trav.steps)
    type_ = (
        steps.pop(0).name if data and steps and steps[0].kind == "attr" else trav.root
    )
    if not type_.startswith(schema.prefix) or not steps or steps[0].kind != "attr":
        return None
    name = steps.pop(0).name
    target = f"data.{type_}.{name}" if data else f"{type_}.{name}"
    if target not in config.objects:
        return None  # undeclared: another grader's finding
    while steps and steps[0].kind in ("index", "splat"):
        steps.pop(0)
    if not steps or steps[0].kind != "attr":
        return None
    attribute = steps[0].name
    block = _table(schema, "data" if data else "resource").get(type_)
    if block is None or attribute in block.attributes or attribute in block.blocks:
        return None
    names = list(block.attributes) + list(block.blocks)
    # data built from the jsii assembly splits a computed name at its digits
    # (checksum_crc32_c for checksum_crc32c); spelled alike without
    # underscores, the two are the same name
    if re.search(r"\d", attribute) and attribute.replace("_", "") in {
        n.replace("_", "") for n in names if re.search(r"\d_|_\d", n)
    }:
        return None
    close = difflib.get_close_matches(attribute, names, n=1, cutoff=0.7)
    return target, attribute, close[0] if close else None


GRADER = Grader(
    id="schema.validity",
    title="What the provider accepts",
    severity=Severity.CRITICAL,
    check=check,
    version=2,
)
