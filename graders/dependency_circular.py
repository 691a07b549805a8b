"""Declared objects refer to each other in a cycle Terraform cannot order.

The graph has one node per resource, data source, variable, local, module,
provider and output, and an edge for every reference in any expression
(strings, function arguments, ``jsonencode`` objects, nested blocks) and every
``depends_on`` entry. Each strongly connected set of two or more nodes is a
cycle, reported with its members and one path around it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import evaluate, references
from harness.config.model import Declared

FIX = (
    "Break the cycle: derive one side from inputs both can read (for example "
    "a generated password), or split the dependent part into its own resource."
)


def graph(config: Configuration) -> dict[str, list[str]]:
    """Edges between the objects Terraform orders, in a stable order.

    Besides every reference, a resource depends on its provider's configuration,
    and a module output read elsewhere is a node of its own: it depends on the
    module's ``depends_on`` and, when the module's code is in the answer, on the
    arguments that output is computed from.
    """
    edges: dict[str, set[str]] = {}
    for address, obj in config.objects.items():
        targets = edges.setdefault(address, set())
        for ref in obj.references:
            if ref in config.objects:
                targets.add(ref)
            elif ref.startswith("module.") and ref.count(".") == 2:
                targets.add(ref)
                edges.setdefault(ref, set()).update(_output_edges(config, ref))
        provider = _implicit_provider(config, obj)
        if provider:
            targets.add(provider)
        if obj.refers_to_itself:
            targets.add(address)
    return {
        a: sorted(t for t in targets if t in edges or t in config.objects)
        for a, targets in sorted(edges.items())
    }


def _implicit_provider(config: Configuration, obj: Declared) -> str | None:
    if obj.kind not in ("resource", "data") or any(
        r.startswith("provider.") for r in obj.references
    ):
        return None
    name = f"provider.{obj.type.split('_', 1)[0]}"
    return name if name in config.objects else None


def _output_edges(config: Configuration, output: str) -> set[str]:
    _, name, out = output.split(".")
    module = config.objects.get(f"module.{name}")
    if module is None or module.block is None:
        return set()
    edges = (
        set(references(module.block.get("depends_on")))
        if module.block.get("depends_on")
        else set()
    )
    child = _child_config(config, module)
    if child is None:
        return edges & set(config.objects)
    for variable in _variables_behind(child, f"output.{out}"):
        argument = module.block.get(variable)
        if argument is not None:
            edges |= references(argument)
    return {e for e in edges if e in config.objects or e.count(".") == 2}


def _child_config(config: Configuration, module: Declared) -> Configuration | None:
    source = (
        evaluate(module.block.get("source"))
        if module.block and module.block.get("source")
        else None
    )
    if not isinstance(source, str):
        return None
    folder = posixpath.normpath(posixpath.join(config.directory, source)).lstrip("./")
    return config.children.get(folder)


def _variables_behind(child: Configuration, start: str) -> set[str]:
    """The input variables an object of a child module depends on, transitively."""
    seen, stack, found = set(), [start], set()
    while stack:
        address = stack.pop()
        if address in seen or address not in child.objects:
            continue
        seen.add(address)
        for ref in child.objects[address].references:
            if ref.startswith("var."):
                found.add(ref[4:])
            stack.append(ref)
    return found


def cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (or a node that
    refers to itself), each sorted."""
    return sorted(
        sorted(c)
        for c in _components(edges)
        if len(c) > 1 or c[0] in edges.get(c[0], ())
    )


def _components(edges: dict[str, list[str]]) -> Iterator[list[str]]:
    # iterative Tarjan, so a long chain of references cannot overflow the stack
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            for target in targets:
                if target in on_stack:
                    low[node] = min(low[node], low[target])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component


def cycle_path(edges: dict[str, list[str]], members: list[str]) -> list[str]:
    """The shortest walk from the first member back to itself."""
    inside = set(members)
    start = members[0]
    parent: dict[str, str] = {}
    queue = [start]
    for node in queue:
        for target in edges[node]:
            if target == start:
                path = [start]
                while node != start:
                    path.append(node)
                    node = parent[node]
                return [start, *reversed(path[1:]), start]
            if target in inside and target not in parent:
                parent[target] = node
                queue.append(target)
    return [start, start]


def check(answer: Answer) -> Iterator[Finding]:
    if not any(module.objects for module in answer.config.modules()):
        raise CouldNotJudge("the answer declares nothing")
    for module in answer.config.modules():
        yield from _module_cycles(module)


def _module_cycles(config: Configuration) -> Iterator[Finding]:
    edges = graph(config)
    for members in cycles(edges):
        first = config.objects[members[0]]
        path = " -> ".join(cycle_path(edges, members))
        yield Finding.at(
            first, f"reference cycle between {', '.join(members)}: {path}", hint=FIX
        )


GRADER = Grader(
    id="dependency.circular",
    title="No reference cycles",
    severity=Severity.CRITICAL,
    check=check,
)
