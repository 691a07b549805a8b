"""AWS would refuse a value at apply time: a name too long or with characters
the service rejects, a value outside the documented set or range, a reserved
database user name, password characters the engine refuses, an instance class
the engine does not offer, overlapping or malformed CIDR blocks, or arguments
whose combination the service rejects.

Every limit is a row of :mod:`graders.deploy_limits` citing the document that
states it. Values built from variables are checked at the defaults and in each
environment the task names, for every instance of a counted resource; a name
only partly known is checked on its known text and its least length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graders import cidr_layout, deploy_combinations, deploy_database
from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.deploy_limits import NAME_RULES, VALUE_RULES, NameRule, ValueRule
from graders.deploy_values import (
    Seen,
    alphabet,
    engine_of,
    items_at,
    module_scopes,
    partial,
    random_pieces,
    refusal,
    scopes,
    targets,
    values_at,
)
from graders.evaluation import as_number
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Expr, Scope, evaluate
from harness.config.model import Declared


def check(answer: Answer) -> Iterator[Finding]:
    modules = list(answer.config.modules())
    if not any(r.type.startswith("aws_") for m in modules for r in m.resources()):
        raise CouldNotJudge("the answer declares no AWS resources")
    seen: set[str] = set()
    environments = answer.constraints.environments
    wheres = {id(m): scopes(m, environments) for m in modules}
    for module in modules:
        # a module the answer calls is judged as called, its defaults only
        # where a call leaves a variable unset
        called = [
            scope
            for parent in modules
            for scope in module_scopes(parent, module, wheres[id(parent)])
        ]
        for finding in _module(module, called or wheres[id(module)]):
            if finding.message not in seen:
                seen.add(finding.message)
                yield finding


def _module(module: Configuration, where: list[tuple[str, Scope]]) -> Iterator[Finding]:
    for obj in module.resources():
        if obj.block is None or not obj.type.startswith("aws_"):
            continue
        yield from _names(module, obj, where)
        yield from _values(obj, where)
        yield from deploy_database.findings(module, obj, where)
        yield from deploy_combinations.findings(module, obj, where)
    yield from cidr_layout.findings(module, where)


# -- names -------------------------------------------------------------------


def _names(
    module: Configuration, obj: Declared, where: list[tuple[str, Scope]]
) -> Iterator[Finding]:
    for rule in NAME_RULES:
        if obj.type not in rule.types:
            continue
        for block, name in targets(obj, rule.attribute):
            expr = block.get(name)
            yield from _name(module, obj, rule, rule.attribute, expr, where)
        if rule.prefix and obj.block is not None:
            yield from _prefix(obj, rule, obj.block.get(rule.prefix), where)


def _name(
    module: Configuration,
    obj: Declared,
    rule: NameRule,
    label: str,
    expr: Expr | None,
    where: list[tuple[str, Scope]],
) -> Iterator[Finding]:
    if expr is None:
        return
    known = values_at(obj, expr, where)
    for seen in known:
        if isinstance(seen.value, str):
            yield from _whole_name(obj, rule, label, seen)
    if not known:
        yield from _partial_name(module, obj, rule, label, expr, where[0][1])


def _whole_name(
    obj: Declared, rule: NameRule, label: str, seen: Seen
) -> Iterator[Finding]:
    text, at = seen.value, seen.label()
    said = f'{label} "{_short(text)}"{at}'
    if len(text) > rule.max_length:
        yield refusal(
            obj,
            f"{said} is {len(text)} characters; AWS allows at most {rule.max_length}",
            "Shorten it.",
            rule.source,
        )
    if len(text) < rule.min_length:
        yield refusal(
            obj,
            f"{said} is shorter than {rule.min_length} characters",
            "Lengthen it.",
            rule.source,
        )
    bad = _bad_characters(rule.chars, text)
    if bad:
        yield refusal(
            obj,
            f"{said} has characters AWS refuses: {bad}",
            "Remove them.",
            rule.source,
        )
    elif rule.shape and text and not re.fullmatch(rule.shape, text):
        yield refusal(obj, f"{said} must {rule.shape_text}", "Rename it.", rule.source)
    yield from _ends(obj, rule, said, text)


def _ends(obj: Declared, rule: NameRule, said: str, text: str) -> Iterator[Finding]:
    for start in rule.not_starting:
        if text.lower().startswith(start):
            yield refusal(
                obj, f"{said} may not begin with {start}", "Rename it.", rule.source
            )
    for end in rule.not_ending:
        if text.endswith(end):
            yield refusal(
                obj, f"{said} may not end with {end}", "Rename it.", rule.source
            )


def _partial_name(
    module: Configuration,
    obj: Declared,
    rule: NameRule,
    label: str,
    expr: Expr,
    scope: Scope,
) -> Iterator[Finding]:
    generators = random_pieces(expr, module)
    yield from _random_characters(generators, obj, rule, label, scope)
    known = partial(expr, scope, module)
    if known is None:
        return
    if known.length > rule.max_length:
        yield refusal(
            obj,
            f"{label} is at least {known.length} characters "
            f'("{_short(expr.text.strip(chr(34)))}"); AWS allows at most '
            f"{rule.max_length}",
            "Shorten its fixed parts.",
            rule.source,
        )
    bad = _bad_characters(rule.chars, known.text)
    if bad:
        yield refusal(
            obj,
            f'{label} "{_short(expr.text.strip(chr(34)))}" has characters AWS '
            f"refuses: {bad}",
            "Remove them.",
            rule.source,
        )


def _random_characters(
    generators: list[Declared], obj: Declared, rule: NameRule, label: str, scope: Scope
) -> Iterator[Finding]:
    for generator in generators:
        assert generator.block is not None
        chars = alphabet(generator.block, scope)
        bad = _bad_characters(rule.chars, chars or "")
        if not bad:
            continue
        size = generator.block.get("length")
        length = as_number(evaluate(size, scope)) if size is not None else None
        yield refusal(
            obj,
            f"{label} takes {generator.address}.result as it is, which can hold "
            f"characters AWS refuses: {_classes(bad)}"
            f"{_odds(chars or '', rule.chars, length)}",
            f"Set upper = false and special = false on {generator.address}, or "
            "pass its result through lower().",
            rule.source,
        )


def _classes(bad: str) -> str:
    # "'A' 'B' ... 'Z'" reads better as the class it is
    words = bad.split(" ")
    upper = [w for w in words if len(w) == 3 and w[1].isupper()]
    rest = [w for w in words if w not in upper]
    return " ".join((["uppercase letters"] if len(upper) > 3 else upper) + rest)


def _odds(chars: str, allowed: str, length: Any) -> str:
    if not isinstance(length, (int, float)) or not chars:
        return ""
    refused = sum(not re.fullmatch(allowed, c) for c in set(chars))
    chance = 1 - (1 - refused / len(set(chars))) ** int(length)
    return f" (about {chance:.0%} of its {length:g}-character values)"


def _prefix(
    obj: Declared, rule: NameRule, expr: Expr | None, where: list[tuple[str, Scope]]
) -> Iterator[Finding]:
    if expr is None or rule.prefix is None:
        return
    for seen in values_at(obj, expr, where):
        text = seen.value
        if isinstance(text, str) and len(text) > rule.prefix_max:
            yield refusal(
                obj,
                f'{rule.prefix} "{_short(text)}"{seen.label()} is {len(text)} '
                f"characters; with the 26 Terraform appends the name exceeds "
                f"{rule.max_length}",
                f"Keep {rule.prefix} within {rule.prefix_max} characters.",
                rule.source,
            )
        elif isinstance(text, str):
            for start in rule.not_starting:
                if text.lower().startswith(start):
                    yield refusal(
                        obj,
                        f'{rule.prefix} "{text}" may not begin with {start}',
                        "Rename it.",
                        rule.source,
                    )


def _bad_characters(chars: str, text: str) -> str:
    bad = sorted({c for c in text if not re.fullmatch(chars, c)})
    return " ".join(repr(c) for c in bad)


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


# -- documented sets and ranges ------------------------------------------------


def _values(obj: Declared, where: list[tuple[str, Scope]]) -> Iterator[Finding]:
    for rule in VALUE_RULES:
        if obj.type not in rule.types:
            continue
        if rule.engine is not None:
            engine = engine_of(obj, where[0][1])
            if not isinstance(engine, str) or not re.fullmatch(rule.engine, engine):
                continue
        for _, seen, item in items_at(obj, rule.path, where):
            problem = _out_of_bounds(rule, item)
            if problem:
                yield refusal(
                    obj,
                    f"{rule.path} {item!r}{seen.label()} {problem}",
                    "Use a documented value.",
                    rule.source,
                )


def _out_of_bounds(rule: ValueRule, item: Any) -> str | None:
    number = as_number(item) if rule.low is not None or rule.high is not None else None
    if isinstance(number, (int, float)):
        if rule.low is not None and number < rule.low:
            return f"is below the minimum {rule.low:g}"
        if rule.high is not None and number > rule.high:
            return f"is above the maximum {rule.high:g}"
    if rule.allowed is not None:
        probe = as_number(item) if isinstance(item, str) and _numeric(rule) else item
        if probe not in rule.allowed:
            return "is not one of the accepted values"
    return None


def _numeric(rule: ValueRule) -> bool:
    return rule.allowed is not None and all(isinstance(v, int) for v in rule.allowed)


GRADER = Grader(
    id="deploy.constraints",
    title="Values AWS refuses at apply time",
    severity=Severity.HIGH,
    check=check,
)
