"""HCL expressions as a small typed tree, with references and literal values.

Every expression the parser returns is turned into one of the node classes
below. Graders never look at the parser's own tree: they ask an expression for
its references (scope understood) or for its value (evaluated where the
configuration alone determines it, :data:`UNKNOWN` elsewhere).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any


class _Unknown:
    """A value the configuration alone does not determine."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()

# names that never refer to a declared object
BUILTIN_ROOTS = frozenset({"each", "count", "self", "path", "terraform"})


@dataclass(frozen=True)
class Expr:
    """Base class: ``line`` is the 1-based line the expression starts on."""

    line: int = field(default=0, compare=False)
    text: str = field(default="", compare=False, repr=False)

    def children(self) -> Iterator[Expr]:
        return iter(())

    def bound_names(self) -> frozenset[str]:
        """Names this node binds for the children it scopes (for expressions)."""
        return frozenset()


@dataclass(frozen=True)
class Literal(Expr):
    value: Any = None


@dataclass(frozen=True)
class Template(Expr):
    """A quoted string or heredoc: literal text and interpolated expressions."""

    parts: tuple[str | Expr, ...] = ()
    directives: bool = False
    bound: frozenset[str] = frozenset()

    def children(self) -> Iterator[Expr]:
        return (p for p in self.parts if isinstance(p, Expr))

    def bound_names(self) -> frozenset[str]:
        return self.bound


@dataclass(frozen=True)
class Step:
    """One step of a traversal: ``.name``, ``[key]`` or a splat."""

    kind: str  # "attr", "index" or "splat"
    name: str = ""
    key: Expr | None = None


@dataclass(frozen=True)
class Traversal(Expr):
    """A name followed by attribute, index and splat steps (``aws_x.y[0].id``)."""

    root: str = ""
    steps: tuple[Step, ...] = ()

    def children(self) -> Iterator[Expr]:
        return (s.key for s in self.steps if s.key is not None)

    def attr_path(self) -> tuple[str, ...]:
        """The leading attribute names, stopping at the first index or splat."""
        names = []
        for step in self.steps:
            if step.kind != "attr":
                break
            names.append(step.name)
        return tuple(names)


@dataclass(frozen=True)
class Access(Expr):
    """Steps applied to something other than a name, such as a call result."""

    source: Expr = field(default_factory=Literal)
    steps: tuple[Step, ...] = ()

    def children(self) -> Iterator[Expr]:
        yield self.source
        yield from (s.key for s in self.steps if s.key is not None)


@dataclass(frozen=True)
class Call(Expr):
    name: str = ""
    args: tuple[Expr, ...] = ()

    def children(self) -> Iterator[Expr]:
        return iter(self.args)


@dataclass(frozen=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...] = ()

    def children(self) -> Iterator[Expr]:
        return iter(self.items)


@dataclass(frozen=True)
class ObjectExpr(Expr):
    items: tuple[tuple[Expr, Expr], ...] = ()

    def children(self) -> Iterator[Expr]:
        for key, value in self.items:
            yield key
            yield value

    def get(self, name: str) -> Expr | None:
        for key, value in self.items:
            if object_key(key) == name:
                return value
        return None


@dataclass(frozen=True)
class ForExpr(Expr):
    key_var: str | None = None
    value_var: str = ""
    collection: Expr = field(default_factory=Literal)
    key: Expr | None = None
    value: Expr = field(default_factory=Literal)
    condition: Expr | None = None

    def children(self) -> Iterator[Expr]:
        yield self.collection
        if self.key is not None:
            yield self.key
        yield self.value
        if self.condition is not None:
            yield self.condition

    def bound_names(self) -> frozenset[str]:
        names = {self.value_var}
        if self.key_var:
            names.add(self.key_var)
        return frozenset(names)


@dataclass(frozen=True)
class Conditional(Expr):
    condition: Expr = field(default_factory=Literal)
    true: Expr = field(default_factory=Literal)
    false: Expr = field(default_factory=Literal)

    def children(self) -> Iterator[Expr]:
        return iter((self.condition, self.true, self.false))


@dataclass(frozen=True)
class Operation(Expr):
    operator: str = ""
    operands: tuple[Expr, ...] = ()

    def children(self) -> Iterator[Expr]:
        return iter(self.operands)


def object_key(key: Expr) -> str | None:
    """The key of an object element when it is a plain name or a string."""
    if isinstance(key, Literal) and isinstance(key.value, str):
        return key.value
    if isinstance(key, Traversal) and not key.steps:
        return key.root
    if isinstance(key, Template) and all(isinstance(p, str) for p in key.parts):
        return "".join(key.parts)  # type: ignore[arg-type]
    return None


def walk(
    expr: Expr, bound: frozenset[str] = frozenset()
) -> Iterator[tuple[Expr, frozenset[str]]]:
    """Every node below ``expr`` with the names bound where it stands."""
    yield expr, bound
    inner = bound | expr.bound_names()
    if isinstance(expr, ForExpr):
        yield from walk(expr.collection, bound)
        for child in (expr.key, expr.value, expr.condition):
            if child is not None:
                yield from walk(child, inner)
        return
    for child in expr.children():
        yield from walk(child, inner)


def traversals(expr: Expr, bound: frozenset[str] = frozenset()) -> Iterator[Traversal]:
    """Traversals that refer outside the expression (iterators excluded)."""
    for node, names in walk(expr, bound):
        if not isinstance(node, Traversal):
            continue
        if node.root not in names and node.root not in BUILTIN_ROOTS:
            yield node


def reference_address(trav: Traversal) -> str | None:
    """The address of the object a traversal refers to, or None."""
    path = trav.attr_path()
    root = trav.root
    if root in ("var", "local") and path:
        return f"{root}.{path[0]}"
    if root == "module" and path:
        # a module output is its own node: the module's inputs may not feed it
        return "module." + ".".join(path[:2])
    if root == "data" and len(path) >= 2:
        return f"data.{path[0]}.{path[1]}"
    if root in ("var", "local", "module", "data"):
        return None
    if path:
        return f"{root}.{path[0]}"
    return None


def references(expr: Expr, bound: frozenset[str] = frozenset()) -> set[str]:
    """Addresses referred to anywhere in the expression."""
    found = set()
    for trav in traversals(expr, bound):
        address = reference_address(trav)
        if address is not None:
            found.add(address)
    return found


def function_calls(expr: Expr) -> Iterator[Call]:
    for node, _ in walk(expr):
        if isinstance(node, Call):
            yield node


# -- evaluation -------------------------------------------------------------


class Scope:
    """Resolves names during evaluation; the base scope knows none."""

    def lookup(self, trav: Traversal) -> Any:
        return UNKNOWN


_EMPTY_SCOPE = Scope()


def evaluate(expr: Expr, scope: Scope = _EMPTY_SCOPE) -> Any:
    """The value of an expression, or UNKNOWN when it is not determined."""
    method = _EVALUATORS.get(type(expr))
    return UNKNOWN if method is None else method(expr, scope)


def _eval_template(expr: Template, scope: Scope) -> Any:
    if expr.directives:
        return UNKNOWN
    pieces = []
    for part in expr.parts:
        value = part if isinstance(part, str) else evaluate(part, scope)
        if value is UNKNOWN or isinstance(value, (dict, list)):
            return UNKNOWN
        pieces.append(_as_template_text(value))
    return "".join(pieces)


def _as_template_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _eval_tuple(expr: TupleExpr, scope: Scope) -> Any:
    items = [evaluate(item, scope) for item in expr.items]
    return UNKNOWN if any(i is UNKNOWN for i in items) else items


def _eval_object(expr: ObjectExpr, scope: Scope) -> Any:
    result = {}
    for key, value in expr.items:
        name = object_key(key)
        if name is None:
            name = evaluate(key, scope)
        val = evaluate(value, scope)
        if not isinstance(name, str) or val is UNKNOWN:
            return UNKNOWN
        result[name] = val
    return result


def _eval_traversal(expr: Traversal, scope: Scope) -> Any:
    if expr.root in ("var", "local") and len(expr.steps) > 1:
        # the steps after the name are followed here, so an index such as
        # count.index or each.key is evaluated in the scope that knows it
        head = replace(expr, steps=expr.steps[:1])
        return apply_steps(scope.lookup(head), expr.steps[1:], scope)
    return scope.lookup(expr)


def _eval_call(expr: Call, scope: Scope) -> Any:
    args = [evaluate(a, scope) for a in expr.args]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    function = _FUNCTIONS.get(expr.name)
    if function is None:
        return UNKNOWN
    try:
        return function(*args)
    except _REFUSED:
        # Terraform would refuse the call too; the value is left unknown
        return UNKNOWN


def _eval_conditional(expr: Conditional, scope: Scope) -> Any:
    condition = evaluate(expr.condition, scope)
    if condition is UNKNOWN or not isinstance(condition, bool):
        return UNKNOWN
    return evaluate(expr.true if condition else expr.false, scope)


def _eval_operation(expr: Operation, scope: Scope) -> Any:
    values = [evaluate(o, scope) for o in expr.operands]
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    try:
        return _OPERATORS[expr.operator](*values)
    except _REFUSED:
        return UNKNOWN


_REFUSED = (
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    ZeroDivisionError,
    OverflowError,
    re.error,
)


class _BoundScope(Scope):
    """A for expression's names for one element, over the enclosing scope."""

    def __init__(self, inner: Scope, names: dict[str, Any]) -> None:
        self.inner, self.names = inner, names

    def lookup(self, trav: Traversal) -> Any:
        if trav.root in self.names:
            return apply_steps(self.names[trav.root], trav.steps, self)
        return self.inner.lookup(trav)


def for_scopes(expr: ForExpr, scope: Scope) -> list[Scope] | None:
    """One scope per element the for expression keeps, or None if unknown."""
    items = evaluate(expr.collection, scope)
    if isinstance(items, dict):
        pairs = list(items.items())
    elif isinstance(items, list):
        pairs = list(enumerate(items))
    else:
        return None
    kept = []
    for key, item in pairs:
        names = {expr.value_var: item}
        if expr.key_var:
            names[expr.key_var] = key
        inner = _BoundScope(scope, names)
        if expr.condition is not None:
            keep = evaluate(expr.condition, inner)
            if not isinstance(keep, bool):
                return None
            if not keep:
                continue
        kept.append(inner)
    return kept


def _eval_for(expr: ForExpr, scope: Scope) -> Any:
    inners = for_scopes(expr, scope)
    if inners is None:
        return UNKNOWN
    values = [evaluate(expr.value, inner) for inner in inners]
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    if expr.key is None:
        return values
    keys = [evaluate(expr.key, inner) for inner in inners]
    if not all(isinstance(k, str) for k in keys):
        return UNKNOWN
    return dict(zip(keys, values, strict=True))


def _eval_access(expr: Access, scope: Scope) -> Any:
    return apply_steps(evaluate(expr.source, scope), expr.steps, scope)


def apply_steps(value: Any, steps: tuple[Step, ...], scope: Scope) -> Any:
    """Follow attribute and index steps into a known value."""
    for step in steps:
        if value is UNKNOWN or step.kind == "splat" or isinstance(value, str):
            return UNKNOWN
        key: Any = step.name
        if step.kind == "index" and step.key is not None:
            key = evaluate(step.key, scope)
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return UNKNOWN
    return value


_OPERATORS: dict[str, Any] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b=None: -a if b is None else a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "&&": lambda a, b: a and b,
    "||": lambda a, b: a or b,
    "!": lambda a: not a,
}

_FUNCTIONS: dict[str, Any] = {
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": json.loads,
    "lower": lambda s: _text(s).lower(),
    "upper": lambda s: _text(s).upper(),
    "format": lambda f, *a: _format(f, *a),
    "cidrsubnet": lambda p, bits, num: _cidrsubnet(p, bits, num),
    "substr": lambda s, start, n: _text(s)[int(start) :][: None if n < 0 else int(n)],
    "replace": lambda s, old, new: _replace(_text(s), _text(old), _text(new)),
    "trimspace": lambda s: _text(s).strip(),
    "title": lambda s: _text(s).title(),
    "split": lambda sep, s: _text(s).split(_text(sep)),
    "coalesce": lambda *a: [v for v in a if v not in (None, "")][0],
    "range": lambda *a: list(range(*(int(v) for v in a))),
    "merge": lambda *maps: {k: v for m in maps for k, v in m.items()},
    "lookup": lambda m, k, *d: m.get(k, *d) if d else m[k],
    "tostring": lambda v: _text(v),
    "tonumber": float,
    "tolist": list,
    "toset": lambda v: sorted(set(v)),
    "concat": lambda *ls: [i for lst in ls for i in lst],
    "join": lambda sep, lst: _text(sep).join(_text(v) for v in lst),
    "max": max,
    "min": min,
    "length": len,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "contains": lambda lst, v: v in lst,
    "element": lambda lst, i: lst[i % len(lst)],
    "try": lambda *a: a[0],
    "sensitive": lambda v: v,
    "nonsensitive": lambda v: v,
}

def _text(value: Any) -> str:
    """A primitive as Terraform converts it to a string; others are refused."""
    if isinstance(value, (str, bool, int, float)):
        return _as_template_text(value)
    raise TypeError(f"{type(value).__name__} is not a string")


def _format(spec: str, *args: Any) -> str:
    # Terraform's %v prints any value; the other verbs match Python's
    return re.sub(r"%(-?\d*)v", r"%\1s", spec) % args


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    """A sub-block of a CIDR prefix, numbered as Terraform numbers them."""
    network = ipaddress.ip_network(prefix, strict=False)
    length = network.prefixlen + int(newbits)
    if int(netnum) != netnum or not 0 <= netnum < 2 ** int(newbits):
        raise ValueError(f"{prefix} has no subnet number {netnum}")
    if length > network.max_prefixlen:
        raise ValueError(f"{prefix} cannot be extended by {newbits} bits")
    step = 1 << (network.max_prefixlen - length)
    first = int(network.network_address) + int(netnum) * step
    return str(ipaddress.ip_network((first, length)))


def _replace(text: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return re.sub(old[1:-1], new.replace("$", "\\"), text)
    return text.replace(old, new)


_EVALUATORS: dict[type, Any] = {
    Literal: lambda e, s: e.value,
    Template: _eval_template,
    TupleExpr: _eval_tuple,
    ObjectExpr: _eval_object,
    Traversal: _eval_traversal,
    Call: _eval_call,
    Conditional: _eval_conditional,
    Operation: _eval_operation,
    Access: _eval_access,
    ForExpr: _eval_for,
}


@dataclass(frozen=True)
class Opaque:
    """Stands for an expression whose value is unknown inside partial data."""

    text: str

    def __str__(self) -> str:
        return f"${{{self.text}}}"


def to_data(expr: Expr, scope: Scope = _EMPTY_SCOPE) -> Any:
    """Evaluate as far as possible; unknown parts become :class:`Opaque`.

    Used where a grader wants structure even when some leaves are computed,
    such as an IAM policy whose resources are other resources' ARNs.
    """
    value = evaluate(expr, scope)
    if value is not UNKNOWN:
        return value
    if isinstance(expr, TupleExpr):
        return [to_data(item, scope) for item in expr.items]
    if isinstance(expr, ObjectExpr):
        return {
            (object_key(k) or str(Opaque(k.text))): to_data(v, scope)
            for k, v in expr.items
        }
    if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
        return to_data(expr.args[0], scope)
    if isinstance(expr, ForExpr) and expr.key is None:
        inners = for_scopes(expr, scope)
        if inners is not None:
            return [to_data(expr.value, inner) for inner in inners]
    return Opaque(expr.text)


def literal_view(expr: Expr, scope: Scope = _EMPTY_SCOPE) -> Any:
    """Like :func:`to_data`, but calls left unevaluated show as name and args."""
    value = evaluate(expr, scope)
    if value is not UNKNOWN:
        return value
    if isinstance(expr, Call):
        return {"call": expr.name, "args": [literal_view(a, scope) for a in expr.args]}
    if isinstance(expr, TupleExpr):
        return [literal_view(item, scope) for item in expr.items]
    if isinstance(expr, ObjectExpr):
        return {
            (object_key(k) or k.text): literal_view(v, scope) for k, v in expr.items
        }
    return Opaque(expr.text)


def document(expr: Expr, scope: Scope = _EMPTY_SCOPE) -> Any:
    """A JSON document written as ``jsonencode(...)`` or as a JSON string.

    Returns the document as data (with :class:`Opaque` leaves for computed
    values), or None when the expression is not a JSON document.
    """
    if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
        return to_data(expr.args[0], scope)
    if isinstance(expr, Template):
        return _template_document(expr, scope)
    value = evaluate(expr, scope)
    if isinstance(value, str):
        return _json_or_none(value)
    return None


def _template_document(expr: Template, scope: Scope) -> Any:
    # interpolations are replaced by placeholders that survive json parsing
    opaque: dict[str, Opaque] = {}
    pieces = []
    for index, part in enumerate(expr.parts):
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = evaluate(part, scope)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            pieces.append(str(value))
            continue
        token = f"\ue000{index}\ue000"
        opaque[token] = Opaque(part.text)
        pieces.append(token)
    data = _json_or_none("".join(pieces))
    return _restore(data, opaque) if opaque and data is not None else data


def _json_or_none(text: str) -> Any:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped, strict=False)
    except ValueError:
        return None


def _restore(data: Any, opaque: dict[str, Opaque]) -> Any:
    if isinstance(data, dict):
        return {k: _restore(v, opaque) for k, v in data.items()}
    if isinstance(data, list):
        return [_restore(v, opaque) for v in data]
    if isinstance(data, str) and "\ue000" in data:
        if data in opaque:
            return opaque[data]
        for token, value in opaque.items():
            data = data.replace(token, str(value))
    return data
