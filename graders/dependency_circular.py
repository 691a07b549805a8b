"""Declared objects refer to each other in a cycle Terraform cannot order.

The graph has one node per resource, data source, variable, local, module,
provider and output, and an edge for every reference in any expression
(strings, function arguments, ``jsonencode`` objects, nested blocks) and every
``depends_on`` entry. Each strongly connected set of two or more nodes is a
cycle, reported with its members and one path around it.
"""

from __future__ import annotations

from collections.abc import Iterator

from graders.base import CouldNotJudge, Finding, Grader, Severity
from harness.answer import Answer
from harness.config.configuration import Configuration

FIX = (
    "Break the cycle: derive one side from inputs both can read (for example "
    "a generated password), or split the dependent part into its own resource."
)


def graph(config: Configuration) -> dict[str, list[str]]:
    """Edges between declared objects only, in a stable order."""
    return {
        address: sorted(r for r in obj.references if r in config.objects)
        for address, obj in sorted(config.objects.items())
    }


def cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node, each sorted."""
    return sorted(sorted(c) for c in _components(edges) if len(c) > 1)


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
