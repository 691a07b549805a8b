"""Terraform version constraints, as written in ``required_providers``.

A constraint is one or more comma-separated clauses, all of which must hold:
``=`` (or no operator), ``!=``, ``>``, ``>=``, ``<``, ``<=`` and ``~>``, which
lets only the rightmost written part grow (``~> 5.0`` is ``>= 5.0, < 6.0``;
``~> 5.0.1`` is ``>= 5.0.1, < 5.1.0``; ``~> 5`` is ``>= 5``). Missing parts
are zero (``5`` is ``5.0.0``). A pre-release (``6.0.0-beta1``) sorts before its
release; unlike Terraform, this module does not refuse pre-releases to
constraints that do not name one, since only releases are checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLAUSE = re.compile(
    r"^\s*(?P<op>~>|>=|<=|!=|=|>|<)?\s*"
    r"(?P<parts>\d+(?:\.\d+){0,2})(?:-(?P<pre>[0-9A-Za-z.-]+))?\s*$"
)

# a version as it sorts: three numbers, 1 for a release (0 for a pre-release),
# and the pre-release text
Version = tuple[int, int, int, int, str]


class ConstraintError(ValueError):
    """A version constraint Terraform would not accept."""


@dataclass(frozen=True)
class Clause:
    op: str
    version: Version
    parts: int  # how many numbers were written, which ``~>`` depends on


def version(text: str) -> Version:
    """``6.25.0`` -> ``(6, 25, 0, 1, "")``."""
    clause = _clause(text)
    if clause.op != "=":
        raise ConstraintError(f"{text!r} is a constraint, not a version")
    return clause.version


def parse(constraint: str) -> list[Clause]:
    """The clauses of a constraint; ``ConstraintError`` when one is malformed."""
    return [_clause(text) for text in constraint.split(",")]


def _clause(text: str) -> Clause:
    match = CLAUSE.match(text)
    if match is None:
        raise ConstraintError(f"{text.strip()!r} is not a version constraint")
    numbers = [int(n) for n in match["parts"].split(".")]
    padded = (numbers + [0, 0])[:3]
    pre = match["pre"] or ""
    found: Version = (padded[0], padded[1], padded[2], 0 if pre else 1, pre)
    return Clause(match["op"] or "=", found, len(numbers))


def admits(constraint: str, candidate: str) -> bool:
    """Whether ``candidate`` (a version) satisfies every clause."""
    wanted = version(candidate)
    return all(_holds(clause, wanted) for clause in parse(constraint))


def _holds(clause: Clause, wanted: Version) -> bool:
    if clause.op == "!=":
        return wanted != clause.version
    low, high = _bounds(clause)
    above = wanted > low[0] or (wanted == low[0] and low[1])
    below = high is None or wanted < high[0] or (wanted == high[0] and high[1])
    return above and below


Bound = tuple[Version, bool]  # a version and whether it is itself allowed
LEAST: Bound = ((0, 0, 0, 0, ""), True)


def _bounds(clause: Clause) -> tuple[Bound, Bound | None]:
    """The lowest and highest version a clause allows (None: no highest)."""
    at = clause.version
    if clause.op == "=":
        return (at, True), (at, True)
    if clause.op == ">=":
        return (at, True), None
    if clause.op == ">":
        return (at, False), None
    if clause.op == "<=":
        return LEAST, (at, True)
    if clause.op == "<":
        return LEAST, (at, False)
    if clause.op == "~>":
        return (at, True), _pessimistic_limit(clause)
    return LEAST, None  # "!=" excludes one version only


def _pessimistic_limit(clause: Clause) -> Bound | None:
    # "~> 5" reads as "~> 5.0": below the next major version, as Terraform reads it
    numbers = list(clause.version[:3])
    grow = max(clause.parts, 2) - 2
    numbers[grow] += 1
    numbers[grow + 1 :] = [0] * (2 - grow)
    # below the first pre-release of the next version
    return (numbers[0], numbers[1], numbers[2], 0, ""), False


def admits_major(constraint: str, major: int) -> bool:
    """Whether some release ``major.x.y`` satisfies the constraint."""
    clauses = parse(constraint)
    low: Bound = ((major, 0, 0, 1, ""), True)
    high: Bound = ((major + 1, 0, 0, 0, ""), False)
    for clause in clauses:
        clause_low, clause_high = _bounds(clause)
        low = max(low, clause_low, key=_low_order)
        if clause_high is not None:
            high = min(high, clause_high, key=_high_order)
    first = _first_release(low)
    excluded = {c.version for c in clauses if c.op == "!="}
    while first in excluded:
        first = (first[0], first[1], first[2] + 1, 1, "")
    return first < high[0] or (first == high[0] and high[1])


def _first_release(low: Bound) -> Version:
    """The least release a lower bound allows."""
    (major, minor, patch, release, _), allowed = low
    if not release:
        return major, minor, patch, 1, ""
    return (major, minor, patch if allowed else patch + 1, 1, "")


def _low_order(bound: Bound) -> tuple[Version, bool]:
    # of two lower bounds at one version, the exclusive one is the higher
    return bound[0], not bound[1]


def _high_order(bound: Bound) -> tuple[Version, bool]:
    # of two upper bounds at one version, the exclusive one is the lower
    return bound[0], bound[1]
