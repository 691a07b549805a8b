"""An expression refers to a resource, data source, variable, local or module
(output) that the answer never declares, a module's local source is missing,
or an unquoted word (``protocol = tcp``) stands where a string was meant.

Objects whose block failed to parse or was cut off count as declared: those
answers fail ``syntax.parse`` or ``format.response`` instead.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Expr, Template, Traversal, evaluate, traversals, walk
from harness.config.model import Declared

FIX = "Declare what is referred to, or refer to something the answer declares."
# arguments whose value is a bare name by design
_NAME_ARGUMENTS = {"provider", "iterator", "providers"}


def check(answer: Answer) -> Iterator[Finding]:
    config = answer.config
    if not any(module.objects for module in config.modules()):
        raise CouldNotJudge("the answer declares nothing")
    folders = {
        posixpath.dirname(posixpath.normpath(f.name)) for f in answer.extraction.files
    }
    for module in config.modules():
        yield from _undefined(module)
        yield from _bare_words(module)
        yield from _missing_sources(module, folders)


def _undefined(config: Configuration) -> Iterator[Finding]:
    """One finding per undeclared address, at its first use, naming the users."""
    broken = _broken_addresses(config)
    users: dict[str, list[Declared]] = {}
    for obj in config.objects.values():
        for ref in sorted(obj.references):
            if not _declared(config, ref, broken):
                users.setdefault(ref, []).append(obj)
    for ref, objs in users.items():
        names = [o.address for o in objs]
        listed = ", ".join(names[:3]) + (
            f" and {len(names) - 3} more" if len(names) > 3 else ""
        )
        yield Finding.at(
            objs[0], f"{ref} is never declared; used by {listed}", hint=FIX
        )


def _bare_words(config: Configuration) -> Iterator[Finding]:
    """A lone name is a reference to nothing Terraform knows."""
    for obj in config.objects.values():
        if obj.kind == "variable":
            continue  # type = string is a type, not a reference
        for name, expr in _expressions(obj):
            interpolated = _interpolated(expr)
            seen: set[str] = set()
            for trav in traversals(expr):
                if trav.steps or trav.root in seen:
                    continue
                seen.add(trav.root)
                yield _bare_word(obj, name, trav, id(trav) in interpolated)


def _bare_word(obj: Declared, name: str, trav: Traversal, inside: bool) -> Finding:
    if inside:
        return Finding.at(
            obj,
            f"{obj.address}: {name} interpolates ${{{trav.root}}}, a reference "
            "to nothing Terraform knows",
            hint=f"Write $${{{trav.root}}} for the literal text.",
        )
    return Finding.at(
        obj,
        f"{obj.address}: {name} = {trav.root} is an unquoted word, which "
        "Terraform reads as a reference to nothing",
        hint=f'Quote it: "{trav.root}".',
    )


def _interpolated(expr: Expr) -> set[int]:
    """Identities of the traversals a string interpolates directly."""
    return {
        id(part)
        for node, _ in walk(expr)
        if isinstance(node, Template)
        for part in node.parts
        if isinstance(part, Traversal)
    }


def _expressions(obj: Declared) -> Iterator[tuple[str, Expr]]:
    if obj.expr is not None:
        yield obj.address, obj.expr
    if obj.block is None:
        return
    for block in obj.block.walk():
        if block.type == "lifecycle":
            continue  # ignore_changes lists bare attribute names
        for attr in block.attributes.values():
            if attr.name not in _NAME_ARGUMENTS:
                yield attr.name, attr.expr


def _broken_addresses(config: Configuration) -> set[str]:
    broken = set()
    for parsed in config.files.values():
        broken |= {e.address for e in parsed.errors if e.address}
        if parsed.tail and parsed.tail.address:
            broken.add(parsed.tail.address)
    return broken


def _declared(config: Configuration, ref: str, broken: set[str]) -> bool:
    if ref in config.objects or ref in broken:
        return True
    if ref.startswith("module."):
        name = ".".join(ref.split(".")[:2])
        return name in config.objects or name in broken
    if ref.startswith("provider."):
        # the default configuration of a provider exists without a block
        return ref.count(".") == 1
    return False


def _missing_sources(config: Configuration, folders: set[str]) -> Iterator[Finding]:
    for module in config.of_kind("module"):
        source = (
            evaluate(module.block.get("source"))
            if module.block and module.block.get("source")
            else None
        )
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            continue
        target = posixpath.normpath(posixpath.join(config.directory, source))
        target = "" if target == "." else target  # the answer's top folder
        if not any(f == target or f.startswith(target + "/") for f in folders):
            yield Finding.at(
                module,
                f"{module.address} uses the local source "
                f"{source!r}, which the answer does not contain",
                hint="Include the module's files or declare the resources directly.",
            )


GRADER = Grader(
    id="references.undefined",
    title="Every reference declared",
    severity=Severity.HIGH,
    check=check,
)
