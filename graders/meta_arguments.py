"""Terraform's own rules, whatever the provider: meta-arguments where the
language forbids them, variables in a backend block, and names declared twice.

Terraform rejects each of these before it asks any provider anything.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from graders.base import Finding
from harness.config.configuration import Configuration
from harness.config.expr import Expr, Traversal, TupleExpr, walk
from harness.config.model import Block, Declared

# meta-arguments a dynamic block cannot generate
_NOT_DYNAMIC = ("depends_on", "count", "for_each", "lifecycle", "provider")
_DECLARED = ("resource", "data", "module")


def findings(config: Configuration, merged: set[str]) -> Iterator[Finding]:
    """Faults in one module; ``merged`` names files assembled from several
    code blocks, where a repeated declaration is a revision, not a second one."""
    for address, location in config.duplicates:
        first = config.objects[address].location.file
        if location.file in merged or _folder(first) != _folder(location.file):
            continue
        yield Finding(
            f"{address} is declared twice (again at line {location.line})",
            location.file,
            location.line,
            address,
            hint="Give each declaration its own name, or delete the repeat.",
        )
    for obj in config.objects.values():
        if obj.kind in _DECLARED and obj.block is not None:
            yield from _meta(obj, obj.block)
    for block in config.blocks:
        if block.type == "terraform":
            yield from _backend(block)
            yield from _required_version(block)
        elif block.type == "provider":
            yield from _provider(block)


def _meta(obj: Declared, block: Block) -> Iterator[Finding]:
    for inner in block.walk():
        for dynamic in inner.blocks_of("dynamic"):
            if dynamic.labels[:1] and dynamic.labels[0] in _NOT_DYNAMIC:
                yield _at(
                    obj,
                    dynamic,
                    f"dynamic {dynamic.labels[0]!r} cannot generate a "
                    "meta-argument",
                    f"Set {dynamic.labels[0]} on the {obj.kind} itself, "
                    "with static values.",
                )
    depends = block.get("depends_on")
    if depends is not None and not _static_references(depends):
        yield _at(
            obj,
            block,
            f"depends_on = {_clip(depends.text)} is not a static list of "
            "whole resources, data sources, modules, variables or locals",
            "List addresses directly, as in depends_on = [aws_iam_role.app].",
        )
    if block.get("count") is not None and block.get("for_each") is not None:
        yield _at(
            obj,
            block,
            "count and for_each are both set",
            "Use one of them.",
        )
    for lifecycle in block.blocks_of("lifecycle"):
        yield from _lifecycle(obj, lifecycle)


def _static_references(expr: Expr) -> bool:
    if not isinstance(expr, TupleExpr):
        return False
    return all(
        isinstance(item, Traversal) and _whole_object(item) for item in expr.items
    )


def _whole_object(trav: Traversal) -> bool:
    """Whether a depends_on entry names a whole object, as Terraform requires:
    a resource or data source (an instance index allowed), a module or one of
    its outputs, a variable, a local or a path value; never an attribute."""
    kinds = [step.kind for step in trav.steps]
    if "splat" in kinds or trav.root in ("each", "count", "self"):
        return False
    if trav.root in ("var", "local"):
        return kinds == ["attr"]
    if trav.root == "module":
        return kinds in (["attr"], ["attr", "attr"])
    if trav.root in ("path", "terraform"):
        return True
    names = 2 if trav.root == "data" else 1
    return kinds in (["attr"] * names, ["attr"] * names + ["index"])


def _lifecycle(obj: Declared, lifecycle: Block) -> Iterator[Finding]:
    for name in ("prevent_destroy", "create_before_destroy"):
        expr = lifecycle.get(name)
        if expr is not None and _has_reference(expr):
            yield _at(
                obj,
                lifecycle,
                f"lifecycle {name} = {_clip(expr.text)} refers to other "
                "values; Terraform needs a literal true or false",
                f"Write {name} = true or false.",
            )


def _backend(terraform: Block) -> Iterator[Finding]:
    for backend in terraform.blocks_of("backend"):
        for name, attr in backend.attributes.items():
            if _has_reference(attr.expr):
                yield Finding(
                    f"backend {' '.join(backend.labels)} argument {name} = "
                    f"{_clip(attr.expr.text)} uses a variable or "
                    "reference, which a backend block cannot",
                    attr.location.file,
                    attr.location.line,
                    hint="Write the value literally, or pass it with "
                    "-backend-config when running init.",
                )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _folder(name: str) -> str:
    return posixpath.dirname(name.replace("\\", "/"))


def _required_version(terraform: Block) -> Iterator[Finding]:
    attr = terraform.attributes.get("required_version")
    if attr is not None and _has_reference(attr.expr):
        yield Finding(
            f"required_version = {_clip(attr.expr.text)} refers to other values; "
            "Terraform reads it before any variable exists",
            attr.location.file,
            attr.location.line,
            hint='Write the constraint literally, as in ">= 1.5".',
        )


def _provider(block: Block) -> Iterator[Finding]:
    name = " ".join(block.labels)
    for argument in ("count", "for_each", "depends_on"):
        attr = block.attributes.get(argument)
        if attr is not None:
            yield Finding(
                f"provider {name} sets {argument}, a name Terraform reserves in "
                "provider blocks",
                attr.location.file,
                attr.location.line,
                f"provider.{name}",
                hint="Declare one provider block per configuration, with alias.",
            )


def _has_reference(expr: Expr) -> bool:
    return any(isinstance(node, Traversal) for node, _ in walk(expr))


def _at(obj: Declared, block: Block, message: str, hint: str) -> Finding:
    return Finding(
        f"{obj.address}: {message}",
        block.location.file,
        block.location.line,
        obj.address,
        hint=hint,
    )
