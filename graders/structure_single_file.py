"""The answer uses files or modules the task forbids, or reads files it lacks.

Terraform reads other files through ``file()``-style functions and through
arguments such as a Lambda's ``filename`` or an archive's ``source_file``. Such a
reference is a defect when the task asks for one self-contained file, and also
when the answer does not contain the file at all.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from graders.base import CouldNotJudge, Finding, Grader, Severity
from harness.answer import Answer
from harness.config.expr import UNKNOWN, Expr, Scope, Traversal, evaluate, walk
from harness.config.model import Block, Declared

_FILE_FUNCTIONS = {
    "file",
    "templatefile",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filesha1",
    "filesha256",
    "filesha512",
    "filemd5",
}
# arguments that name a file or folder Terraform reads, by block type
_PATH_ARGUMENTS = {
    "aws_lambda_function": ("filename",),
    "aws_lambda_layer_version": ("filename",),
    "archive_file": ("source_file", "source_dir"),
    "aws_s3_object": ("source",),
    "aws_s3_bucket_object": ("source",),
}


class _PathScope(Scope):
    """Resolves ``path.module`` and friends to the answer's own folder."""

    def lookup(self, trav: Traversal) -> Any:
        if trav.root == "path" and trav.attr_path()[:1] in (
            ("module",),
            ("root",),
            ("cwd",),
        ):
            return "."
        return UNKNOWN


_PATHS = _PathScope()


def check(answer: Answer) -> Iterator[Finding]:
    config = answer.config
    if not any(True for _ in config.all_files()):
        raise CouldNotJudge("the answer has no Terraform files")
    rules = answer.constraints
    yield from _file_names(answer)
    objects = [o for m in config.modules() for o in m.objects.values()]
    if not rules.allow_modules:
        for module in (o for o in objects if o.kind == "module"):
            yield Finding.at(
                module,
                f"{module.address} is a module, which the task forbids",
                hint="Declare the resources directly.",
            )
    contained = {posixpath.normpath(f.name) for f in answer.extraction.files}
    contained |= _built_files(objects)
    contained |= {posixpath.basename(name) for name in contained}
    built = _built_files(objects)
    for obj, path, how in _file_reads(objects):
        if _normal(path) in built:
            continue  # the configuration writes this file itself
        if not rules.allow_external_files:
            yield Finding.at(
                obj,
                f"{obj.address} reads {path!r} through {how}; the "
                "task asks for one self-contained file",
                hint="Inline the content (heredoc or archive source).",
            )
        elif not {_normal(path), posixpath.basename(path)} & contained:
            yield Finding.at(
                obj,
                f"{obj.address} reads {path!r} through {how}, "
                "which the answer does not contain",
                hint="Include the file or inline its content.",
            )


def _built_files(objects: list[Declared]) -> set[str]:
    """Files the configuration itself writes: archives and local files."""
    built = set()
    for obj in objects:
        argument = {
            "archive_file": "output_path",
            "local_file": "filename",
            "local_sensitive_file": "filename",
        }.get(obj.type)
        path = (
            evaluate(obj.block.get(argument), _PATHS)
            if argument and obj.block and obj.block.get(argument)
            else None
        )
        if isinstance(path, str):
            built.add(_normal(path))
    return built


def _file_names(answer: Answer) -> Iterator[Finding]:
    wanted = answer.constraints.single_file
    if wanted is None:
        return
    names = [f.name for f in answer.extraction.terraform_files]
    if wanted == "*":
        extra = names[1:]
        target = names[0] if names else "one file"
    else:
        extra = [n for n in names if n != wanted]
        target = wanted
    for name in extra:
        yield Finding(
            f"{name} is a separate file; the task asks for everything in {target}",
            name,
            1,
            hint=f"Put all configuration in {target}.",
        )


def _file_reads(objects: Any) -> Iterator[tuple[Declared, str, str]]:
    for obj in objects:
        block = obj.block
        exprs: list[tuple[str, Expr]] = []
        if block is not None:
            exprs = list(block.expressions())
            yield from _path_arguments(obj, block)
        elif obj.expr is not None:
            exprs = [("value", obj.expr)]
        for _, expr in exprs:
            for node, _ in walk(expr):
                name = getattr(node, "name", "")
                args = getattr(node, "args", ())
                if name in _FILE_FUNCTIONS and args:
                    path = evaluate(args[0], _PATHS)
                    if isinstance(path, str):
                        yield obj, path, f"{name}()"


def _path_arguments(obj: Declared, block: Block) -> Iterator[tuple[Declared, str, str]]:
    for argument in _PATH_ARGUMENTS.get(obj.type, ()):
        expr = block.get(argument)
        path = evaluate(expr, _PATHS) if expr is not None else None
        if isinstance(path, str):
            yield obj, path, f"`{argument}`"


def _normal(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/")).lstrip("./") or path


GRADER = Grader(
    id="structure.single_file",
    title="Only the files the task allows",
    severity=Severity.MEDIUM,
    check=check,
)
