"""Parse one Terraform file, salvaging what parses when the whole does not.

A file is first repaired and scanned (:mod:`harness.config.source`), then
parsed whole. When that fails, each top-level chunk is parsed on its own so one
broken block does not hide the rest, and each failure is kept with its line and
column. A file that ends inside an unfinished block (a cut-off answer) has its
complete blocks parsed and the unfinished tail reported.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

import hcl2
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput

from harness.cache import key_of
from harness.config.lower import Lowerer
from harness.config.model import Attribute, Block
from harness.config.source import Chunk, scan

_HEADER = re.compile(r'^\s*([A-Za-z_][\w-]*)((?:\s+"[^"]*"|\s+[A-Za-z_][\w-]*)*)\s*\{?')


@dataclass(frozen=True)
class ParseError:
    file: str
    line: int
    column: int
    message: str
    address: str | None = None


@dataclass(frozen=True)
class Tail:
    """The unfinished construct at the end of a cut-off file."""

    line: int
    header: str
    address: str | None


@dataclass
class ParsedFile:
    name: str
    blocks: list[Block] = field(default_factory=list)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    errors: list[ParseError] = field(default_factory=list)
    salvaged: bool = False
    tail: Tail | None = None
    repairs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.tail is None


_MEMORY: OrderedDict[str, ParsedFile] = OrderedDict()
_MEMORY_SIZE = 256


def parse_file(name: str, text: str, may_be_cut: bool = True) -> ParsedFile:
    """Parse one file; results are cached in memory by name and content hash.

    ``may_be_cut`` says whether the text may end early (its code fence was never
    closed); only then is an unfinished last block a cut-off tail rather than a
    syntax error.

    Repeats within a run (flawed answers share most of their text) are served
    from memory; a later run is served by the grade cache, which skips parsing
    altogether. Pickling parsed trees to disk was measured to cost more than
    parsing them again (17 MB of pickles for 2.8 MB of Terraform), so parsed
    files are not kept on disk.
    """
    key = key_of("parse", name, text, may_be_cut)
    parsed = _MEMORY.get(key)
    if parsed is not None:
        _MEMORY.move_to_end(key)
        return parsed
    parsed = _parse(name, text, may_be_cut)
    _MEMORY[key] = parsed
    if len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return parsed


def _parse(name: str, text: str, may_be_cut: bool) -> ParsedFile:
    scanned = scan(text)
    result = ParsedFile(name, repairs=scanned.repairs)
    lines = scanned.text.split("\n")
    chunks = scanned.chunks
    unfinished = (
        chunks[-1] if scanned.truncated and chunks and not chunks[-1].complete else None
    )
    if unfinished is not None:
        chunks = chunks[:-1]
        if may_be_cut:
            result.tail = _tail(unfinished, lines)
        else:
            result.errors.append(
                _unclosed(name, unfinished, lines, scanned.unterminated)
            )
        source = "\n".join(lines[: chunks[-1].end_line]) + "\n" if chunks else ""
    else:
        source = scanned.text
    try:
        _add(result, _parse_text(name, source))
        return result
    except (LarkError, ValueError) as error:
        first_error = _error(name, error)
    result.salvaged = True
    for chunk in chunks:
        _parse_chunk(result, chunk, lines)
    if not result.errors:
        result.errors.append(first_error)
    return result


Parsed = tuple[dict[str, Attribute], list[Block], list[ParseError]]


def _parse_text(name: str, source: str) -> Parsed:
    tree = hcl2.parses_to_tree(source)
    lowerer = Lowerer(source, name)
    attributes, blocks = lowerer.body(tree.children[0])
    problems = [
        ParseError(name, line, column, message, address)
        for line, column, message, address in lowerer.problems
    ]
    return attributes, blocks, problems


def _add(result: ParsedFile, parsed: Parsed) -> None:
    attributes, blocks, problems = parsed
    result.attributes.update(attributes)
    result.blocks.extend(blocks)
    result.errors.extend(problems)


def _parse_chunk(result: ParsedFile, chunk: Chunk, lines: list[str]) -> None:
    # leading newlines keep the parser's line numbers those of the file
    body = "\n".join(lines[chunk.line - 1 : chunk.end_line])
    source = "\n" * (chunk.line - 1) + body + "\n"
    try:
        _add(result, _parse_text(result.name, source))
    except (LarkError, ValueError) as error:
        header = lines[chunk.line - 1] if chunk.line <= len(lines) else ""
        result.errors.append(_error(result.name, error, header_address(header)))


def _unclosed(
    name: str, chunk: Chunk, lines: list[str], what: str | None
) -> ParseError:
    header = lines[chunk.line - 1] if chunk.line <= len(lines) else ""
    thing = {
        "heredoc": "a heredoc",
        "string": "a string",
        "comment": "a comment",
        "interpolation": "an interpolation",
    }.get(what or "", "a block")
    return ParseError(
        name,
        chunk.line,
        1,
        f"{thing} opened in the construct starting here is never closed",
        header_address(header),
    )


def _error(name: str, error: Exception, address: str | None = None) -> ParseError:
    if isinstance(error, UnexpectedInput):
        line, column = error.line, error.column
        message = _describe(error)
    else:
        line = getattr(error, "line", 0)
        column = getattr(error, "column", 0)
        message = (str(error).splitlines() or ["error"])[0][:200]
    return ParseError(name, max(line, 0), max(column, 0), message, address)


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "unexpected end of input"
    if token is not None:
        return f"unexpected {str(token).strip()[:40]!r}"
    return "syntax error"


def _tail(chunk: Chunk, lines: list[str]) -> Tail:
    header = lines[chunk.line - 1].strip() if chunk.line <= len(lines) else ""
    return Tail(chunk.line, header[:120], header_address(header))


def header_address(header: str) -> str | None:
    """The address a block header line declares, such as ``aws_s3_bucket.logs``."""
    m = _HEADER.match(header)
    if m is None:
        return None
    labels = re.findall(r'"([^"]*)"|([A-Za-z_][\w-]*)', m.group(2))
    names = [a or b for a, b in labels]
    kind = m.group(1)
    if kind == "resource" and len(names) >= 2:
        return ".".join(names[:2])
    if kind == "data" and len(names) >= 2:
        return "data." + ".".join(names[:2])
    prefix = {"variable": "var", "output": "output", "module": "module"}.get(kind)
    if prefix and names:
        return f"{prefix}.{names[0]}"
    return None
