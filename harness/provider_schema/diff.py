"""How two compact schemas differ: types added and removed, and, over the types
both have, how many arguments, blocks and attributes agree, at every depth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Raw = dict[str, Any]


@dataclass
class Comparison:
    """Counts over the names (``type.block.argument``) of two schemas."""

    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    names_old: int = 0
    names_shared: int = 0
    kinds_shared: int = 0
    unchecked: int = 0
    removed_arguments: list[str] = field(default_factory=list)


def kinds(block: Raw, prefix: str) -> dict[str, str]:
    """Each name under a block and what it is: ``r``, ``o``, ``c``, ``block``,
    or ``any`` for a block whose contents are not recorded.

    An optional argument counts as ``o`` whether or not it is also computed.
    """
    found = {
        f"{prefix}.{name}": "o" if "o" in flags else flags
        for name, flags in block.get("a", {}).items()
    }
    for name, (_, _, _, inner) in block.get("b", {}).items():
        found[f"{prefix}.{name}"] = "any" if inner.get("u") else "block"
        found.update(kinds(inner, f"{prefix}.{name}"))
    return found


def compare(old: Raw, new: Raw) -> Comparison:
    result = Comparison()
    for table in ("resources", "data_sources"):
        before, after = old[table], new[table]
        result.added[table] = sorted(set(after) - set(before))
        result.removed[table] = sorted(set(before) - set(after))
        for type_ in sorted(set(before) & set(after)):
            _compare_type(result, kinds(before[type_], type_), after[type_], type_)
    return result


def _compare_type(
    result: Comparison, old: dict[str, str], new: Raw, type_: str
) -> None:
    now = kinds(new, type_)
    unchecked = tuple(f"{name}." for name, kind in now.items() if kind == "any")
    for name, kind in old.items():
        if unchecked and name.startswith(unchecked):
            result.unchecked += 1
            continue
        result.names_old += 1
        if name in now:
            result.names_shared += 1
            result.kinds_shared += now[name] == kind or now[name] == "any"
        elif kind != "c":
            result.removed_arguments.append(name)


def summary(old: Raw, new: Raw, examples: int = 12) -> list[str]:
    """A few lines saying how ``new`` differs from ``old``."""
    found = compare(old, new)
    lines = [f"provider {old['version']} -> {new['version']}"]
    for table in ("resources", "data_sources"):
        added, removed = found.added[table], found.removed[table]
        lines.append(
            f"{table}: {len(old[table])} -> {len(new[table])}, "
            f"{len(added)} added, {len(removed)} removed"
        )
        if removed:
            lines.append("  removed: " + ", ".join(removed[:examples]))
    lines += [
        f"names in shared types: {found.names_shared:,} of {found.names_old:,} "
        f"kept ({_share(found.names_shared, found.names_old)})",
        f"kept names of the same kind (required, optional, computed, block): "
        f"{found.kinds_shared:,} ({_share(found.kinds_shared, found.names_shared)})",
        f"names inside blocks whose contents are not recorded: {found.unchecked:,}",
        f"arguments and blocks removed: {len(found.removed_arguments)}",
    ]
    lines += [f"  {name}" for name in found.removed_arguments[:examples]]
    return lines


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"
