"""A Lambda function's handler breaks the convention or names missing code.

The handler must match the task's convention when it sets one, follow one
naming pattern across functions, and name a module and function that exist in
the packaged code when the answer contains that code (an ``archive_file`` over
an inline ``source`` block or a file the answer includes).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from graders.base import CouldNotJudge, Finding, Grader, Severity
from harness.answer import Answer
from harness.config.expr import Traversal, evaluate
from harness.config.model import Block, Declared

_PYTHON = re.compile(r"^\s*(?:async\s+)?def\s+{name}\s*\(", re.M)
_NODE = re.compile(
    r"exports\.{name}\s*=|export\s+(?:const|let|var|async\s+function|function)\s+"
    r"{name}\b|module\.exports\s*=\s*\{{[^}}]*\b{name}\b|export\s*\{{[^}}]*\b{name}\b"
)
_CODE_EXTENSIONS = {"python": (".py",), "nodejs": (".js", ".mjs", ".cjs")}


@dataclass(frozen=True)
class Handler:
    function: Declared
    value: str
    runtime: str


def check(answer: Answer) -> Iterator[Finding]:
    functions = [
        f for m in answer.config.modules() for f in m.resources("aws_lambda_function")
    ]
    handlers = [h for h in map(_handler, functions) if h is not None]
    if not handlers:
        raise CouldNotJudge("no Lambda function with a handler the answer determines")
    expected = answer.constraints.lambda_handler
    for handler in handlers:
        if expected and handler.value != expected:
            yield _finding(
                handler,
                f"handler {handler.value!r}; the task's convention is {expected!r}",
                f'Set handler = "{expected}".',
            )
    if not expected:
        yield from _inconsistent(handlers)
    for handler in handlers:
        yield from _missing_code(answer, handler)


def _handler(function: Declared) -> Handler | None:
    block = function.block
    if block is None or evaluate(block.get("package_type")) == "Image":
        return None
    value = evaluate(block.get("handler")) if block.get("handler") else None
    if not isinstance(value, str):
        return None
    runtime = evaluate(block.get("runtime")) if block.get("runtime") else ""
    return Handler(function, value, runtime if isinstance(runtime, str) else "")


def _finding(handler: Handler, message: str, hint: str) -> Finding:
    return Finding.at(
        handler.function, f"{handler.function.address}: {message}", hint=hint
    )


def _inconsistent(handlers: list[Handler]) -> Iterator[Finding]:
    # function names differ only when the naming pattern does; modules may differ
    names = [h.value.rsplit(".", 1)[-1] for h in handlers if _language(h)]
    if len(set(names)) < 2:
        return
    common = max(set(names), key=lambda n: (names.count(n), n))
    for handler in handlers:
        if _language(handler) and handler.value.rsplit(".", 1)[-1] != common:
            yield _finding(
                handler,
                f"handler {handler.value!r} breaks the pattern "
                f"'<module>.{common}' the other functions use",
                "Use one handler naming pattern for every function.",
            )


def _language(handler: Handler) -> str | None:
    for language in _CODE_EXTENSIONS:
        if handler.runtime.startswith(language):
            return language
    return None


def _missing_code(answer: Answer, handler: Handler) -> Iterator[Finding]:
    language = _language(handler)
    files = _packaged_files(answer, handler.function)
    if language is None or files is None or "." not in handler.value:
        return
    module, function = handler.value.rsplit(".", 1)
    candidates = [module + ext for ext in _CODE_EXTENSIONS[language]]
    source = next((files[c] for c in candidates if c in files), None)
    if source is None:
        listed = ", ".join(sorted(files)) or "nothing"
        yield _finding(
            handler,
            f"handler {handler.value!r} needs {candidates[0]}, but "
            f"the package holds {listed}",
            "Name the handler after the packaged file.",
        )
        return
    pattern = _PYTHON if language == "python" else _NODE
    if source is not ... and not re.search(
        pattern.pattern.format(name=re.escape(function)), source, pattern.flags
    ):
        yield _finding(
            handler,
            f"handler {handler.value!r}: {candidates[0]} defines "
            f"no function {function!r}",
            "Name the handler after the function the code defines.",
        )


def _packaged_files(answer: Answer, function: Declared) -> dict[str, object] | None:
    """File name to content (``...`` when unknown) of the function's package."""
    block = function.block
    filename = block.get("filename") if block else None
    if not isinstance(filename, Traversal) or filename.root != "data":
        return None
    path = filename.attr_path()
    if len(path) < 2:
        return None
    address = f"data.{path[0]}.{path[1]}"
    archive = next(
        (
            m.objects.get(address)
            for m in answer.config.modules()
            if m.objects.get(function.address) is function
        ),
        None,
    )
    if archive is None or archive.type != "archive_file" or archive.block is None:
        return None
    return _archive_contents(answer, archive.block)


def _archive_contents(answer: Answer, block: Block) -> dict[str, object] | None:
    files: dict[str, object] = {}
    for source in block.nested("source"):
        name, content = evaluate(source.get("filename")), source.get("content")
        if isinstance(name, str):
            value = evaluate(content) if content is not None else None
            files[name] = value if isinstance(value, str) else ...
    name = evaluate(block.get("source_content_filename"))
    if isinstance(name, str):
        value = (
            evaluate(block.get("source_content"))
            if block.get("source_content")
            else None
        )
        files[name] = value if isinstance(value, str) else ...
    source_file = block.get("source_file")
    if source_file is not None:
        base = _basename(source_file)
        if base is None:
            return None
        included = {posixpath.basename(f.name): f.text for f in answer.extraction.files}
        files[base] = included.get(base, ...)
    return files if files else None


def _basename(expr: object) -> str | None:
    text = getattr(expr, "text", "")
    m = re.search(r"([\w.-]+\.\w+)\"?\s*$", text)
    return m.group(1) if m else None


GRADER = Grader(
    id="lambda.handler",
    title="Lambda handlers that match the code",
    severity=Severity.HIGH,
    check=check,
)
