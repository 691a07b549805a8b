"""The values an argument takes across environments and resource instances.

A name built from ``var.environment`` and ``count.index`` is a different
string in each environment and for each instance; AWS checks every one. These
helpers enumerate them where the configuration determines them, and give a
lower bound on a name's length when only part of it is known.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graders.base import Finding
from graders.deploy_limits import RANDOM_DEFAULT_SPECIALS
from graders.evaluation import (
    accepts_environment,
    as_bool,
    environment_scope,
    instances,
)
from harness.config.configuration import Configuration, called_folder
from harness.config.expr import (
    UNKNOWN,
    Call,
    Expr,
    Scope,
    Template,
    Traversal,
    TupleExpr,
    apply_steps,
    evaluate,
)
from harness.config.model import Block, Declared


@dataclass(frozen=True)
class Seen:
    """One value an argument takes, and where ("" for the defaults)."""

    value: Any
    where: str = ""

    def label(self) -> str:
        return f" ({self.where})" if self.where else ""


class ArgumentScope(Scope):
    """A scope that reads ``type.name.argument`` of a single-instance resource
    from the argument the configuration sets (a VPC's ``cidr_block``)."""

    def __init__(self, config: Configuration, inner: Scope) -> None:
        self.config, self.inner = config, inner
        self._resolving: set[str] = set()

    def lookup(self, trav: Traversal) -> Any:
        path = trav.attr_path()
        obj = self.config.objects.get(f"{trav.root}.{path[0]}") if path else None
        block = obj.block if obj is not None and obj.kind == "resource" else None
        if block is None or len(path) < 2 or path[1] not in block.attributes:
            return self.inner.lookup(trav)
        if block.get("count") is not None or block.get("for_each") is not None:
            return UNKNOWN
        key = f"{trav.root}.{path[0]}.{path[1]}"
        if key in self._resolving:
            return UNKNOWN
        self._resolving.add(key)
        try:
            value = evaluate(block.attributes[path[1]].expr, self)
        finally:
            self._resolving.discard(key)
        return apply_steps(value, trav.steps[2:], self)


def scopes(config: Configuration, environments: tuple[str, ...]) -> list[tuple]:
    """The defaults' scope, then one scope per environment of the task."""
    found: list[tuple[str, Scope]] = [("", ArgumentScope(config, config.scope()))]
    found += [
        (env, ArgumentScope(config, environment_scope(config, env)))
        for env in environments
        if accepts_environment(config, env)
    ]
    return found


_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def module_scopes(
    parent: Configuration, child: Configuration, where: list[tuple[str, Scope]]
) -> list[tuple[str, Scope]]:
    """A child module's scope for each call of it in ``parent``, its
    variables set to the inputs the call gives where they are known."""
    found: list[tuple[str, Scope]] = []
    for call in parent.of_kind("module"):
        if call.block is None:
            continue
        if called_folder(call.location.file, call.block) != child.directory:
            continue
        for env, scope in where:
            # an input the call gives but that is not known stays unknown: the
            # variable's default does not apply to it
            inputs = {
                name: evaluate(attr.expr, scope)
                for name, attr in call.block.attributes.items()
                if name not in _META
            }
            label = ", ".join(w for w in (env, call.address) if w)
            found.append((label, ArgumentScope(child, child.scope(inputs))))
    return found


def values_of(
    obj: Declared,
    read: Callable[[Scope], Any],
    environments: list[tuple[str, Scope]],
) -> list[Seen]:
    """Distinct known values of ``read`` over environments and instances."""
    seen: dict[str, Seen] = {}
    for env, scope in environments:
        for instance, inner in instances(obj, scope):
            value = read(inner)
            if value is UNKNOWN or value is None:
                continue
            key = json.dumps(value, sort_keys=True, default=str)
            where = ", ".join(w for w in (env, instance) if w)
            seen.setdefault(key, Seen(value, where))
    return list(seen.values())


@dataclass(frozen=True)
class Partial:
    """What is known of a string whose value is not: its literal text and the
    fewest characters it can have."""

    text: str
    length: int


def partial(
    expr: Expr | None, scope: Scope, config: Configuration, depth: int = 0
) -> Partial | None:
    """The known pieces of a string whose whole value is unknown: a template,
    ``format(...)``, ``join(...)``, or a local holding one of them."""
    if depth > 4 or expr is None:
        return None
    if isinstance(expr, Traversal) and expr.root == "local" and not expr.steps[1:]:
        local = config.objects.get(f"local.{expr.attr_path()[0]}")
        return partial(local.expr if local else None, scope, config, depth + 1)
    if isinstance(expr, Call) and expr.name == "format" and expr.args:
        spec = evaluate(expr.args[0], scope)
        if not isinstance(spec, str):
            return None
        fixed = re.sub(r"%[-+ #0-9.]*[a-z]", "", spec.replace("%%", "%"))
        pieces = [_piece(a, scope, config) for a in expr.args[1:]]
        return Partial(
            fixed + "".join(p.text for p in pieces),
            len(fixed) + sum(p.length for p in pieces),
        )
    if isinstance(expr, Call) and expr.name == "join" and len(expr.args) == 2:
        sep, items = evaluate(expr.args[0], scope), expr.args[1]
        if not isinstance(sep, str) or not isinstance(items, TupleExpr):
            return None
        pieces = [_piece(item, scope, config) for item in items.items]
        glue = len(sep) * max(len(pieces) - 1, 0)
        return Partial(
            sep.join(p.text for p in pieces), glue + sum(p.length for p in pieces)
        )
    if not isinstance(expr, Template) or expr.directives:
        return None
    pieces = [
        Partial(part, len(part))
        if isinstance(part, str)
        else _piece(part, scope, config)
        for part in expr.parts
    ]
    return Partial("".join(p.text for p in pieces), sum(p.length for p in pieces))


def _piece(expr: Expr, scope: Scope, config: Configuration) -> Partial:
    value = evaluate(expr, scope)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return Partial(str(value), len(str(value)))
    inner = partial(expr, scope, config, 1)
    if inner is not None:
        return Partial("", inner.length)  # its text may be transformed later
    return Partial("", _known_length(expr, config))


def _known_length(part: Any, config: Configuration) -> int:
    """Characters an unknown piece is sure to have: an account id 12, a region
    name 9, ``random_id.hex`` twice its bytes, ``random_string`` its length."""
    if not isinstance(part, Traversal):
        return 0
    path = part.attr_path()
    if path[-1:] == ("account_id",):
        return 12
    if part.root == "data" and path[:1] == ("aws_region",) and path[-1:] == ("name",):
        return 9
    generator = config.objects.get(f"{part.root}.{path[0]}") if path else None
    block = generator.block if generator is not None else None
    if block is None or block.get("count") or block.get("for_each"):
        return 0
    if part.root == "random_id" and path[1:] == ("hex",):
        size = evaluate(block.get("byte_length")) if block.get("byte_length") else 0
        return 2 * size if isinstance(size, int) else 0
    if part.root == "random_string" and path[1:] == ("result",):
        size = evaluate(block.get("length")) if block.get("length") else 0
        return size if isinstance(size, int) else 0
    return 0


def random_pieces(
    expr: Expr | None, config: Configuration, depth: int = 0
) -> list[Declared]:
    """The ``random_string`` resources whose result is put into a string as it
    is: a piece of a template, ``format(...)`` or ``join(...)``, or of a local
    holding one. A result passed through ``lower()`` or another call is not."""
    if depth > 4 or expr is None:
        return []
    if isinstance(expr, Traversal):
        path = expr.attr_path()
        if expr.root == "local" and len(expr.steps) == 1:
            local = config.objects.get(f"local.{path[0]}")
            return random_pieces(local.expr if local else None, config, depth + 1)
        found = config.objects.get(f"random_string.{path[0]}") if path else None
        if expr.root == "random_string" and path[1:] == ("result",) and found:
            return [found]
        return []
    parts: list[Any] = []
    if isinstance(expr, Template) and not expr.directives:
        parts = [p for p in expr.parts if not isinstance(p, str)]
    elif isinstance(expr, Call) and expr.name == "format":
        parts = list(expr.args[1:])
    elif isinstance(expr, Call) and expr.name == "join" and len(expr.args) == 2:
        items = expr.args[1]
        parts = list(items.items) if isinstance(items, TupleExpr) else []
    return [g for part in parts for g in random_pieces(part, config, depth + 1)]


def alphabet(block: Block, scope: Scope) -> str | None:
    """Every character a ``random_string`` or ``random_password`` can put in
    its result, or None when a switch is computed."""
    chars = ""
    classes = (
        ("upper", string.ascii_uppercase),
        ("lower", string.ascii_lowercase),
        ("numeric", string.digits),
    )
    for flag, members in classes:
        on = _switch(block, flag, scope)
        if on is None:
            return None
        chars += members if on else ""
    special = _switch(block, "special", scope)
    override = block.get("override_special")
    specials = (
        RANDOM_DEFAULT_SPECIALS if override is None else evaluate(override, scope)
    )
    if special is None or (special and not isinstance(specials, str)):
        return None
    return chars + (specials if special else "")


def _switch(block: Block, flag: str, scope: Scope) -> bool | None:
    # "number" is the older spelling of "numeric"; every switch defaults to true
    expr = block.get(flag) or (block.get("number") if flag == "numeric" else None)
    if expr is None:
        return True
    value = as_bool(evaluate(expr, scope))
    return value if isinstance(value, bool) else None


def targets(obj: Declared, path: str) -> list[tuple[Block, str]]:
    """The blocks holding an argument named by ``attr`` or ``block.attr``."""
    if obj.block is None:
        return []
    head, _, tail = path.rpartition(".")
    if not head:
        return [(obj.block, tail)]
    blocks = [obj.block]
    for step in head.split("."):
        blocks = [inner for block in blocks for inner in block.nested(step)]
    return [(block, tail) for block in blocks]


def engine_of(obj: Declared, scope: Scope) -> Any:
    """A database resource's engine, lowercased, or UNKNOWN."""
    expr = obj.block.get("engine") if obj.block else None
    value = evaluate(expr, scope) if expr is not None else UNKNOWN
    return value.lower() if isinstance(value, str) else UNKNOWN


def refusal(obj: Declared, message: str, fix: str, source: str) -> Finding:
    """A finding that names the value, the fix and the documented limit."""
    return Finding.at(obj, f"{obj.address}: {message}", hint=f"{fix} ({source})")


def values_at(obj: Declared, expr: Expr, where: list[tuple[str, Scope]]) -> list[Seen]:
    """Distinct known values of one expression over environments and instances."""
    return values_of(obj, lambda scope: evaluate(expr, scope), where)


def items_at(
    obj: Declared, path: str, where: list[tuple[str, Scope]]
) -> Iterator[tuple[str, Seen, Any]]:
    """Each known value of an argument, a list taken item by item, with the
    argument's name and where the value was seen."""
    for block, name in targets(obj, path):
        expr = block.get(name)
        if expr is None:
            continue
        for seen in values_at(obj, expr, where):
            items = seen.value if isinstance(seen.value, list) else [seen.value]
            for item in items:
                yield name, seen, item
