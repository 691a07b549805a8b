"""Reading and writing JSON Lines without losing good records to bad ones."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from harness.errors import UserError

log = logging.getLogger(__name__)


GZIP_MAGIC = b"\x1f\x8b"


def _lines(handle: Any, path: Path, problems: list[str]) -> Iterator[bytes]:
    """The file's lines; a compressed file cut short ends with a problem."""
    count = 0
    try:
        for count, raw in enumerate(handle, start=1):  # noqa: B007
            yield raw
    except (EOFError, OSError, gzip.BadGzipFile) as error:
        where = f"after line {count}" if count else "before its first line"
        problems.append(
            f"{path}: the compressed file is cut short or damaged {where} "
            f"({error}); the lines before are kept"
        )


def read_jsonl(
    path: Path, problems: list[str], not_utf8: set[int] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each good line; bad lines go to ``problems``.

    A line that is not valid UTF-8 is read with its bad bytes replaced, and its
    number is added to ``not_utf8`` when given. A last line that is not JSON and
    lacks its newline was cut short by a stopped writer: it is dropped with a
    warning, not counted as a problem.
    """
    if path.is_dir():
        raise UserError(f"{path} is a folder; pass a JSONL file")
    try:
        opened = path.open("rb")
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    with opened:
        # a compressed file is read as it was before compression
        packed = opened.peek(2)[:2] == GZIP_MAGIC
        handle = gzip.GzipFile(fileobj=opened) if packed else opened
        for number, raw in enumerate(_lines(handle, path, problems), start=1):
            body = raw.removeprefix(BOM) if number == 1 else raw
            line = _decode(body)
            if line is None:
                line = body.decode("utf-8", errors="replace")
                if not_utf8 is not None:
                    not_utf8.add(number)
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                if not raw.endswith(b"\n"):
                    log.warning(TORN, path, number)
                    continue
                problems.append(
                    f"{path}:{number}: not valid JSON ({error.msg}); "
                    "each line must be one JSON object"
                )
                continue
            if not isinstance(data, dict):
                problems.append(f"{path}:{number}: expected a JSON object")
                continue
            yield number, data


BOM = b"\xef\xbb\xbf"
# a writer stopped mid-line leaves a last line without its newline
TORN = "%s:%d: the last line is cut short, as a stopped run leaves it; dropped"


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_line(handle: BinaryIO, data: dict[str, Any]) -> None:
    """Append one record and flush, so a crash never leaves half a run behind.

    Text that is not valid Unicode (lone surrogates from a JSON escape) is kept
    as the JSON escape it came from.
    """
    line = json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n"
    handle.write(line.encode("utf-8", "backslashreplace"))
    handle.flush()


GRADE_KEYS = ("task_id", "model", "sample", "failure_mode", "verdict")


def read_grades(path: Path) -> Iterator[dict[str, Any]]:
    """Grade records of a run; a malformed one stops with its file and line."""
    problems: list[str] = []
    for number, record in read_jsonl(path, problems):
        missing = [k for k in GRADE_KEYS if k not in record]
        if missing:
            raise UserError(
                f"{path}:{number}: a grade record needs "
                f"{', '.join(missing)}; re-grade the run with "
                "iacbench grade --responses RUN"
            )
        yield record
    if problems:
        raise UserError(problems[0])
