"""Lexical pass over HCL source: repairs for the parser and top-level chunks.

The parser accepts a slightly narrower language than Terraform does. This pass
walks the text once, knowing where strings, comments and heredocs begin and end,
and produces three things:

* repaired text that keeps every line where it was (CRLF folded to LF, spaces
  after a heredoc's closing marker removed, non-ASCII identifiers spelled in
  ASCII so the grammar's name rule accepts them, ``/* */`` comments blanked,
  template strip markers in quoted strings dropped);
* the top-level chunks (one per block or attribute at depth zero), so a file
  that fails to parse can be parsed piece by piece;
* whether the text ends inside an unfinished construct (a cut-off answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# one match per interesting token; everything between matches is plain code
_CODE_TOKEN = re.compile(
    r'"|#|//|/\*|<<-?[A-Za-z_][\w.-]*[ \t]*\n|[{}()\[\]]|\n|[^\x00-\x7f]'
)
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|\$\{|%\{|"|\n', re.S)
_IDENT_AROUND = re.compile(r"[\w-]+")
_ENCODED_CHAR = re.compile(r"__u([0-9a-f]{4,6})__")
_OPENERS = {"{": "}", "(": ")", "[": "]"}


def encode_identifier(name: str) -> str:
    """Spell a non-ASCII identifier with ASCII characters only."""
    return "".join(c if c.isascii() else f"__u{ord(c):04x}__" for c in name)


def decode_identifier(name: str) -> str:
    """Undo :func:`encode_identifier`."""
    if "__u" not in name:
        return name
    return _ENCODED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), name)


@dataclass(frozen=True)
class Chunk:
    """One top-level construct: its 1-based first and last line."""

    line: int
    end_line: int
    complete: bool


@dataclass
class Scan:
    """The result of scanning one file."""

    text: str
    chunks: list[Chunk] = field(default_factory=list)
    unterminated: str | None = None
    repairs: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.unterminated is not None


class _Scanner:
    """Single pass state machine; see the module docstring."""

    def __init__(self, text: str) -> None:
        self.src = text
        self.out: list[str] = []
        self.pos = 0
        self.copied = 0
        self.line = 1
        self.stack: list[str] = []
        self.chunk_line: int | None = None
        self.result = Scan(text="")

    # -- output helpers -------------------------------------------------

    def _replace(self, start: int, end: int, new: str) -> None:
        self.out.append(self.src[self.copied : start])
        self.out.append(new)
        self.copied = end

    def _begin_chunk(self) -> None:
        if self.chunk_line is None and not self.stack:
            self.chunk_line = self.line

    def _end_chunk(self) -> None:
        if self.chunk_line is not None and not self.stack:
            chunk = Chunk(self.chunk_line, self.line - 1, True)
            self.result.chunks.append(chunk)
            self.chunk_line = None

    # -- states -----------------------------------------------------------

    def run(self) -> Scan:
        src = self.src
        while self.pos < len(src):
            m = _CODE_TOKEN.search(src, self.pos)
            stop = m.start() if m else len(src)
            if not src[self.pos : stop].isspace() and stop > self.pos:
                self._begin_chunk()
            if m is None:
                self.pos = len(src)
                break
            self.pos = m.end()
            self._code_token(m)
            if self.result.unterminated:
                break
        self._finish()
        return self.result

    def _code_token(self, m: re.Match[str]) -> None:
        tok = m.group()
        if tok == "\n":
            self.line += 1
            self._end_chunk()
        elif tok in ("#", "//"):
            self._line_comment()
        elif tok == "/*":
            self._block_comment()
        elif tok == '"':
            self._begin_chunk()
            self._string()
        elif tok.startswith("<<"):
            self._begin_chunk()
            self._heredoc(tok)
        elif tok in _OPENERS:
            self._begin_chunk()
            self.stack.append(_OPENERS[tok])
        elif tok in ")]}":
            self._close(tok)
        else:
            self._begin_chunk()
            self._non_ascii(m.start())

    def _close(self, tok: str) -> None:
        if tok in self.stack:
            while self.stack and self.stack.pop() != tok:
                pass

    def _line_comment(self) -> None:
        end = self.src.find("\n", self.pos)
        self.pos = len(self.src) if end < 0 else end

    def _block_comment(self) -> None:
        # the grammar accepts /* */ only where a newline may stand; blanking it
        # (keeping its newlines) lets a comment sit anywhere, as in Terraform
        start = self.pos - 2
        end = self.src.find("*/", self.pos)
        if end < 0:
            self.result.unterminated = "comment"
            self.pos = len(self.src)
            return
        body = self.src[start : end + 2]
        if start >= self.copied:
            self._replace(start, end + 2, re.sub(r"[^\n]", " ", body))
        self.line += body.count("\n")
        self.pos = end + 2

    def _string(self) -> None:
        """Consume a quoted template, including nested interpolations."""
        depth_before = len(self.stack)
        src = self.src
        while True:
            m = _STRING_TOKEN.search(src, self.pos)
            if m is None:
                self.result.unterminated = "string"
                self.pos = len(src)
                return
            self.pos = m.end()
            tok = m.group()
            if tok == '"':
                return
            if tok == "\n":
                # strings cannot span lines; the parser will say so
                self.line += 1
                return
            if tok in ("${", "%{"):
                if tok == "${" and src.startswith("~", self.pos):
                    self._strip_marker(self.pos)
                self._interpolation(depth_before, tok == "${")
                if self.result.unterminated:
                    return

    def _interpolation(self, depth_before: int, strip: bool = False) -> None:
        """Consume code inside ``${ ... }`` up to its closing brace."""
        self.stack.append("}")
        while len(self.stack) > depth_before and self.pos < len(self.src):
            m = _CODE_TOKEN.search(self.src, self.pos)
            if m is None:
                break
            self.pos = m.end()
            self._code_token(m)
            if self.result.unterminated:
                return
            closed = len(self.stack) == depth_before
            if closed and strip and self.src[: m.start()].rstrip().endswith("~"):
                self._strip_marker(self.src.rindex("~", 0, m.start()))
        if len(self.stack) > depth_before:
            self.result.unterminated = "interpolation"

    def _strip_marker(self, at: int) -> None:
        # the grammar has no strip markers in interpolations; whitespace
        # stripping only changes literal text around them, never references
        if at >= self.copied:
            self._replace(at, at + 1, " ")
            self.result.repairs.append(f"line {self.line}: template strip marker")

    def _heredoc(self, opener: str) -> None:
        marker = opener.lstrip("<-").rstrip(" \t\n")
        self.line += 1
        src = self.src
        while self.pos < len(src):
            end = src.find("\n", self.pos)
            line_end = len(src) if end < 0 else end
            text = src[self.pos : line_end]
            if text.strip() == marker:
                if text != text.rstrip():
                    self._replace(self.pos, line_end, text.rstrip())
                    self.result.repairs.append(
                        f"line {self.line}: spaces after heredoc marker {marker}"
                    )
                self.pos = line_end
                return
            self.line += 1
            self.pos = line_end + 1
        self.result.unterminated = "heredoc"

    def _non_ascii(self, at: int) -> None:
        """Spell an identifier holding non-ASCII letters in ASCII."""
        left = at
        while left > 0 and (self.src[left - 1].isalnum() or self.src[left - 1] in "_-"):
            left -= 1  # walk back to the identifier's first character
        m = _IDENT_AROUND.match(self.src, left)
        end = m.end() if m else at + 1
        if left < self.copied:
            left = self.copied
        word = self.src[left:end]
        if word and (word[0].isalpha() or word[0] == "_"):
            self._replace(left, end, encode_identifier(word))
            self.result.repairs.append(f"line {self.line}: non-ASCII name {word}")
        self.pos = max(self.pos, end)

    def _finish(self) -> None:
        if self.stack and not self.result.unterminated:
            self.result.unterminated = "block"
        if self.chunk_line is not None:
            complete = not self.result.unterminated
            self.result.chunks.append(Chunk(self.chunk_line, self.line, complete))
        self.out.append(self.src[self.copied :])
        self.result.text = "".join(self.out)


def scan(text: str) -> Scan:
    """Scan HCL text; see the module docstring."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Scanner(text).run()
