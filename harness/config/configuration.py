"""A whole answer's Terraform as one configuration of declared objects."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.config.expr import UNKNOWN, Expr, evaluate, references
from harness.config.model import (
    Block,
    ConfigScope,
    Declared,
    Location,
    address_of,
    block_references,
)
from harness.config.parse import ParsedFile, parse_file


@dataclass
class Configuration:
    """Every file of an answer, parsed, with its declared objects by address."""

    files: dict[str, ParsedFile] = field(default_factory=dict)
    objects: dict[str, Declared] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    duplicates: list[tuple[str, Location]] = field(default_factory=list)
    directory: str = ""
    children: dict[str, Configuration] = field(default_factory=dict)
    # variable values from .tfvars files, by file name
    tfvars: dict[str, dict[str, Any]] = field(default_factory=dict)

    def modules(self) -> Iterator[Configuration]:
        """This configuration and the child module folders the answer holds."""
        yield self
        for child in self.children.values():
            yield from child.modules()

    def all_files(self) -> Iterator[ParsedFile]:
        for module in self.modules():
            yield from module.files.values()

    def of_kind(self, kind: str) -> list[Declared]:
        return [o for o in self.objects.values() if o.kind == kind]

    def resources(self, *types: str) -> list[Declared]:
        return [
            o
            for o in self.objects.values()
            if o.kind == "resource" and (not types or o.type in types)
        ]

    def data_sources(self, *types: str) -> list[Declared]:
        return [
            o
            for o in self.objects.values()
            if o.kind == "data" and (not types or o.type in types)
        ]

    def scope(
        self, variables: dict[str, Any] | None = None, workspace: str | None = None
    ) -> ConfigScope:
        """A scope resolving variables, locals and, when given,
        ``terraform.workspace``.

        A variable takes, in rising precedence, its default, the values of the
        .tfvars files Terraform loads by itself (``terraform.tfvars``,
        ``*.auto.tfvars``), those of a .tfvars file named for the environment
        ``workspace`` names (``prod.tfvars``, ``envs/prod/terraform.tfvars``),
        and ``variables``.
        """
        values: dict[str, Any] = {}
        for name, assigned in self.tfvars.items():
            if _loaded_by_default(name):
                values.update(assigned)
        if workspace is not None:
            for name, assigned in self.tfvars.items():
                if not _loaded_by_default(name) and workspace in _words(name):
                    values.update(assigned)
        values.update(variables or {})
        return ConfigScope(self, values, workspace)

    def reference_map(self) -> dict[str, list[str]]:
        """Each object's direct references to other declared objects, sorted."""
        return {
            address: sorted(obj.references)
            for address, obj in sorted(self.objects.items())
        }

    @property
    def errors(self) -> list[Any]:
        return [e for f in self.all_files() for e in f.errors]


def build(
    files: Iterable[tuple[str, str]],
    cut: set[str] | None = None,
    tfvars: Iterable[tuple[str, str]] = (),
) -> Configuration:
    """Parse and index ``(name, text)`` files, one configuration per module.

    A folder is a child module (with its own namespace) when a module block's
    local ``source`` names it or its path has a ``modules`` folder, or when it
    is one of several folders that each declare a provider or a ``terraform``
    block (separate roots, such as one folder per environment); every other
    file belongs to the root module, wherever the answer said it lives. Files
    named in ``cut`` may end early (their fence was never closed); without
    ``cut`` every file may.
    """
    parsed = [
        parse_file(name, text, cut is None or name in cut) for name, text in files
    ]
    modules = _module_folders(parsed)
    roots = _separate_roots(parsed, modules)
    children = modules | roots
    config = Configuration()
    for item in parsed:
        folder = _folder(item.name)
        target = config
        if folder in children:
            target = config.children.setdefault(folder, Configuration(directory=folder))
        target.files[item.name] = item
        for block in item.blocks:
            _declare_block(target, block)
    for name, text in tfvars:
        # a folder that is a configuration of its own reads its own .tfvars
        folder = _folder(name)
        owner = config.children.get(folder, config) if folder in roots else config
        local = posixpath.relpath(name, folder) if owner is not config else name
        owner.tfvars[local] = _assignments(parse_file(name, text, False))
    return config


def _assignments(parsed: ParsedFile) -> dict[str, Any]:
    """The literal values a .tfvars file assigns (a computed one is skipped)."""
    values = {}
    for name, attr in parsed.attributes.items():
        value = evaluate(attr.expr)
        if value is not UNKNOWN:
            values[name] = value
    return values


def _loaded_by_default(name: str) -> bool:
    path = posixpath.normpath(name.replace("\\", "/"))
    return path == "terraform.tfvars" or (
        "/" not in path and path.endswith(".auto.tfvars")
    )


def _words(name: str) -> set[str]:
    return set(re.split(r"[/\\._-]+", name.lower()))


def _folder(name: str) -> str:
    return posixpath.dirname(posixpath.normpath(name.replace("\\", "/")))


def _module_folders(parsed: list[ParsedFile]) -> set[str]:
    folders = {_folder(p.name) for p in parsed}
    sources: set[str | None] = set()
    for item in parsed:
        for block in item.blocks:
            if block.type == "module":
                sources.add(called_folder(item.name, block))
    return {f for f in folders if f and (f in sources or "modules" in f.split("/"))}


def called_folder(file: str, call: Block) -> str | None:
    """The folder a module block in ``file`` names by a local ``source``."""
    written = call.get("source")
    source = evaluate(written) if written is not None else None
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    return posixpath.normpath(posixpath.join(_folder(file), source)).lstrip("./")


def _separate_roots(parsed: list[ParsedFile], modules: set[str]) -> set[str]:
    """Folders that are each a root of their own (``environments/dev`` and
    ``environments/prod``, each with its provider): two or more of them, none
    the answer's top folder, each keeps its own namespace."""
    roots = {
        _folder(item.name)
        for item in parsed
        if any(b.type in ("provider", "terraform") for b in item.blocks)
    }
    roots -= modules
    if "" in roots or len(roots) < 2:
        return set()
    return roots


def _declare_block(config: Configuration, block: Block) -> None:
    config.blocks.append(block)
    if block.type == "locals":
        for attr in block.attributes.values():
            obj = Declared(
                "local",
                f"local.{attr.name}",
                attr.location,
                block=None,
                expr=attr.expr,
                references=references(attr.expr),
            )
            _add(config, obj)
        return
    address = address_of(block)
    if address is None:
        return
    kind = block.type
    refs = block_references(block)
    # a variable's validation names the variable; only objects cannot
    itself = address in refs and kind in ("resource", "data", "module")
    refs.discard(address)
    _add(
        config,
        Declared(
            kind,
            address,
            block.location,
            block=block,
            references=refs,
            refers_to_itself=itself,
        ),
    )


def _add(config: Configuration, obj: Declared) -> None:
    if obj.address in config.objects:
        config.duplicates.append((obj.address, obj.location))
        return
    config.objects[obj.address] = obj


def expression_references(expr: Expr) -> set[str]:
    return references(expr)
