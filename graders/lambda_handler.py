"""A Lambda function's handler or settings would fail at deploy time or at run time.

The handler must match the task's convention when it sets one, and name a
module and function that exist in the packaged code when the answer contains
it (an ``archive_file`` over inline ``source`` blocks or a file the answer
includes). Without a convention, a function whose code is not in the answer
must follow the naming pattern most functions share. The function's settings
must be deployable: a supported runtime, memory from 128 to 10240 MB, a timeout
of at most 900 seconds, a dead-letter queue or failure destination when it is
invoked asynchronously, and every environment variable its code reads set.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graders.base import CouldNotJudge, Finding, Grader, Severity
from graders.evaluation import as_number, referenced
from harness.answer import Answer
from harness.config.configuration import Configuration
from harness.config.expr import Scope, Template, Traversal, evaluate
from harness.config.model import Block, Declared

_PYTHON_DEF = (
    r"^(?:async\s+)?def\s+{name}\s*\(|^{name}\s*=|^from\s+\S+\s+import\s+.*\b{name}\b"
)
_NODE_DEF = (
    r"exports\.{name}\s*=|export\s+(?:const|let|var|async\s+function|function)\s+"
    r"{name}\b|module\.exports\s*=\s*\{{[^}}]*\b{name}\b|export\s*\{{[^}}]*\b{name}\b"
)
_EXTENSIONS = {"python": (".py",), "nodejs": (".js", ".mjs", ".cjs")}
_ENV_READS = {
    # only reads without a fallback: os.environ.get("X", "d") may stay unset
    "python": re.compile(
        r"os\.environ\[\s*['\"](\w+)['\"]\s*\]"
        r"|os\.(?:environ\.get|getenv)\(\s*['\"](\w+)['\"]\s*\)"
    ),
    "nodejs": re.compile(r"process\.env\.(\w+)|process\.env\[\s*['\"](\w+)['\"]"),
}
# runtimes AWS no longer lets new functions use, as of the grader's writing
DEPRECATED_RUNTIMES = frozenset(
    {
        "python2.7",
        "python3.6",
        "python3.7",
        "python3.8",
        "python3.9",
        "nodejs",
        "nodejs4.3",
        "nodejs4.3-edge",
        "nodejs6.10",
        "nodejs8.10",
        "nodejs10.x",
        "nodejs12.x",
        "nodejs14.x",
        "nodejs16.x",
        "nodejs18.x",
        "dotnetcore1.0",
        "dotnetcore2.0",
        "dotnetcore2.1",
        "dotnetcore3.1",
        "dotnet5.0",
        "dotnet6",
        "dotnet7",
        "ruby2.5",
        "ruby2.7",
        "java8",
        "go1.x",
        "provided",
    }
)
# services that invoke a function asynchronously, by resource type
_ASYNC_SOURCES = {
    "aws_sns_topic_subscription": "endpoint",
    "aws_cloudwatch_event_target": "arn",
    "aws_s3_bucket_notification": "lambda_function",
}
_ASYNC_PRINCIPALS = (
    "sns.amazonaws.com",
    "s3.amazonaws.com",
    "events.amazonaws.com",
    "ses.amazonaws.com",
    "iot.amazonaws.com",
)


@dataclass
class Handler:
    function: Declared
    config: Configuration
    value: str | None
    runtime: str
    scope: Scope
    files: dict[str, str | None] | None = field(default=None)

    @property
    def language(self) -> str | None:
        return next((k for k in _EXTENSIONS if self.runtime.startswith(k)), None)


def check(answer: Answer) -> Iterator[Finding]:
    handlers = [
        _handler(answer, module, function)
        for module in answer.config.modules()
        for function in module.resources("aws_lambda_function")
    ]
    handlers = [h for h in handlers if h is not None]
    if not handlers:
        raise CouldNotJudge("the answer declares no Lambda function with code")
    expected = answer.constraints.lambda_handler
    for handler in handlers:
        if expected and handler.value is not None and handler.value != expected:
            yield _finding(
                handler,
                f"handler {handler.value!r}; the task's convention is {expected!r}",
                f'Set handler = "{expected}".',
            )
        yield from _missing_code(handler)
        yield from _settings(handler)
        yield from _unset_environment(handler)
    if not expected:
        yield from _inconsistent(handlers)
    yield from _async_without_dlq(answer, handlers)


def _handler(
    answer: Answer, module: Configuration, function: Declared
) -> Handler | None:
    block = function.block
    if block is None or evaluate(block.get("package_type")) == "Image":
        return None
    scope = module.scope()
    value = evaluate(block.get("handler"), scope) if block.get("handler") else None
    runtime = evaluate(block.get("runtime"), scope) if block.get("runtime") else ""
    handler = Handler(
        function,
        module,
        value if isinstance(value, str) else None,
        runtime if isinstance(runtime, str) else "",
        scope,
    )
    handler.files = _packaged_files(answer, handler)
    return handler


def _finding(handler: Handler, message: str, hint: str) -> Finding:
    address = handler.function.address
    return Finding.at(handler.function, f"{address}: {message}", hint=hint)


def _module_path(handler: Handler) -> tuple[str, str] | None:
    """The handler's code file stem and function name (``src/app``, ``handler``)."""
    value = handler.value
    if value is None or "." not in value:
        return None
    module, function = value.rsplit(".", 1)
    if handler.language == "python":
        module = module.replace(".", "/")  # a dotted package path
    return module, function


def _missing_code(handler: Handler) -> Iterator[Finding]:
    parts = _module_path(handler)
    if handler.language is None or handler.files is None or parts is None:
        return
    module, function = parts
    candidates = [module + ext for ext in _EXTENSIONS[handler.language]]
    name = next((c for c in candidates if c in handler.files), None)
    if name is None:
        listed = ", ".join(sorted(handler.files)) or "nothing"
        yield _finding(
            handler,
            f"handler {handler.value!r} needs {candidates[0]}, "
            f"but the package holds {listed}",
            "Name the handler after the packaged file.",
        )
        return
    source = handler.files[name]
    pattern = _PYTHON_DEF if handler.language == "python" else _NODE_DEF
    regex = re.compile(pattern.format(name=re.escape(function)), re.M)
    if source is not None and not regex.search(source):
        yield _finding(
            handler,
            f"handler {handler.value!r}: {name} defines no function {function!r}",
            "Name the handler after the function the code defines.",
        )


def _inconsistent(handlers: list[Handler]) -> Iterator[Finding]:
    # only functions whose code cannot be checked are held to the common pattern
    names = [
        h.value.rsplit(".", 1)[-1]
        for h in handlers
        if h.value and h.language and "." in h.value
    ]
    common = max(set(names), key=names.count) if names else None
    if common is None or names.count(common) * 2 <= len(names):
        return
    for handler in handlers:
        if handler.files is not None or not handler.value or "." not in handler.value:
            continue
        if handler.language and handler.value.rsplit(".", 1)[-1] != common:
            yield _finding(
                handler,
                f"handler {handler.value!r} breaks the pattern "
                f"'<module>.{common}' the other functions use",
                "Use one handler naming pattern for every function.",
            )


def _settings(handler: Handler) -> Iterator[Finding]:
    block = handler.function.block
    assert block is not None
    if handler.runtime in DEPRECATED_RUNTIMES:
        yield _finding(
            handler,
            f"runtime {handler.runtime!r} is deprecated; new functions cannot use it",
            "Use a supported runtime.",
        )
    memory = (
        as_number(evaluate(block.get("memory_size"), handler.scope))
        if block.get("memory_size")
        else None
    )
    if isinstance(memory, (int, float)) and not 128 <= memory <= 10240:
        yield _finding(
            handler,
            f"memory_size {memory} is outside 128-10240 MB",
            "Set memory_size between 128 and 10240.",
        )
    timeout = (
        as_number(evaluate(block.get("timeout"), handler.scope))
        if block.get("timeout")
        else None
    )
    if isinstance(timeout, (int, float)) and not 1 <= timeout <= 900:
        yield _finding(
            handler,
            f"timeout {timeout} is outside 1-900 seconds",
            "Set timeout to at most 900 seconds.",
        )


def _unset_environment(handler: Handler) -> Iterator[Finding]:
    if handler.files is None or handler.language is None:
        return
    reads: set[str] = set()
    for source in handler.files.values():
        if source is not None:
            for m in _ENV_READS[handler.language].finditer(source):
                reads.add(m.group(1) or m.group(2))
    block = handler.function.block
    assert block is not None
    environment = block.nested("environment")
    variables = environment[0].get("variables") if environment else None
    names = _variable_names(variables, handler.scope)
    if names is None:
        return
    for name in sorted(
        reads
        - names
        - {"AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_DEFAULT_REGION", "_HANDLER"}
    ):
        yield _finding(
            handler,
            f"the code reads the environment variable {name}, "
            "which the function never sets",
            f"Set {name} in the function's environment variables.",
        )


def _variable_names(expr: object, scope: Scope) -> set[str] | None:
    from harness.config.expr import ObjectExpr, object_key

    if expr is None:
        return set()
    if isinstance(expr, ObjectExpr):
        keys = {object_key(k) for k, _ in expr.items}
        return None if None in keys else {k for k in keys if k}
    value = evaluate(expr, scope)  # type: ignore[arg-type]
    return set(value) if isinstance(value, dict) else None


def _async_without_dlq(answer: Answer, handlers: list[Handler]) -> Iterator[Finding]:
    asynchronous = _async_functions(answer)
    configured = {
        a
        for m in answer.config.modules()
        for c in m.resources("aws_lambda_function_event_invoke_config")
        if c.block and c.block.nested("destination_config")
        for a in referenced(c.block.get("function_name"), "aws_lambda_function.")
    }
    for handler in handlers:
        block = handler.function.block
        address = handler.function.address
        if address not in asynchronous or address in configured:
            continue
        if block is not None and block.nested("dead_letter_config"):
            continue
        yield _finding(
            handler,
            "it is invoked asynchronously but has no dead-letter "
            "queue or failure destination; failed events are lost",
            "Add dead_letter_config or an on_failure destination.",
        )


def _async_functions(answer: Answer) -> set[str]:
    found: set[str] = set()
    for module in answer.config.modules():
        for type_, argument in _ASYNC_SOURCES.items():
            for source in module.resources(type_):
                if source.block is None:
                    continue
                for block in source.block.walk():
                    found |= set(
                        referenced(
                            block.get(argument) or block.get("lambda_function_arn"),
                            "aws_lambda_function.",
                        )
                    )
        for permission in module.resources("aws_lambda_permission"):
            principal = (
                evaluate(permission.block.get("principal"))
                if permission.block and permission.block.get("principal")
                else None
            )
            if principal in _ASYNC_PRINCIPALS and permission.block:
                found |= set(
                    referenced(
                        permission.block.get("function_name"), "aws_lambda_function."
                    )
                )
    return found


# -- the packaged code -----------------------------------------------------------


def _packaged_files(answer: Answer, handler: Handler) -> dict[str, str | None] | None:
    """File name to content (None when unknown) of the function's package."""
    block = handler.function.block
    filename = block.get("filename") if block else None
    if not isinstance(filename, Traversal) or filename.root != "data":
        return None
    path = filename.attr_path()
    if len(path) < 2 or path[0] != "archive_file":
        return None
    archive = handler.config.objects.get(f"data.archive_file.{path[1]}")
    if archive is None or archive.block is None:
        return None
    return _archive_contents(answer, archive.block, handler.scope)


def _archive_contents(
    answer: Answer, block: Block, scope: Scope
) -> dict[str, str | None] | None:
    files: dict[str, str | None] = {}
    for source in block.nested("source"):
        name = evaluate(source.get("filename"), scope)
        if isinstance(name, str):
            files[name] = _content(source.get("content"), scope)
    name = evaluate(block.get("source_content_filename"), scope)
    if isinstance(name, str):
        files[name] = _content(block.get("source_content"), scope)
    if block.get("source_file") is not None:
        path = evaluate(block.get("source_file"), _PathScope(scope))
        if not isinstance(path, str):
            return None
        base = posixpath.basename(path)
        included = {posixpath.basename(f.name): f.text for f in answer.extraction.files}
        files[base] = included.get(base)
    if block.get("source_dir") is not None:
        return None  # a folder's contents are not known
    return files or None


def _content(expr: object, scope: Scope) -> str | None:
    """Inline code as text; interpolations do not change what it defines."""
    if expr is None:
        return None
    value = evaluate(expr, scope)  # type: ignore[arg-type]
    if isinstance(value, str):
        return value
    if isinstance(expr, Template):
        return "".join(p if isinstance(p, str) else "_" for p in expr.parts)
    return None


class _PathScope(Scope):
    def __init__(self, inner: Scope) -> None:
        self.inner = inner

    def lookup(self, trav: Traversal) -> object:
        if trav.root == "path":
            return "."
        return self.inner.lookup(trav)


GRADER = Grader(
    id="lambda.handler",
    title="Lambda functions that can run",
    severity=Severity.HIGH,
    check=check,
)
