"""Take a model's Markdown answer apart into named files.

The answer is read with a CommonMark parser. Each fenced block is classified
(Terraform, tfvars, or auxiliary such as shell, Python or JSON) and named from
the first piece of evidence that exists, in this order:

1. the fence info string: ``hcl title="outputs.tf"``, ``hcl main.tf``,
   ``terraform:variables.tf``;
2. the heading, bold line, backticked name or ``File: x.tf`` line just before
   the block;
3. a comment on the block's first line naming a file (``# versions.tf``,
   ``// File: main.tf``);
4. a default: ``main.tf`` for Terraform, ``terraform.tfvars`` for tfvars, and
   ``block-N.<ext>`` for anything else.

A Terraform block holding several files, each introduced at depth zero (after a
blank line) by a comment that is nothing but a file name, is split into them.
Blocks with the same name are merged in order, except that a later block that
declares everything an earlier one did replaces it (the model repeated the file
in full). An answer without fences whose text looks like HCL is taken whole from
its first Terraform line. A fence left open at the end marks the answer as cut
off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from harness.config.parse import header_address
from harness.config.source import scan

_TERRAFORM_TAGS = {"hcl", "terraform", "tf", "hcl2", "opentofu"}
_TFVARS_TAGS = {"tfvars"}
_NOT_TERRAFORM = {
    "markdown",
    "md",
    "text",
    "txt",
    "plaintext",
    "diff",
    "patch",
    "console",
    "bash",
    "sh",
    "shell",
    "zsh",
    "powershell",
    "ps1",
    "json",
    "yaml",
    "yml",
    "python",
    "py",
    "javascript",
    "js",
    "typescript",
    "ts",
    "go",
    "java",
    "ruby",
    "dockerfile",
    "makefile",
    "sql",
    "xml",
    "html",
    "ini",
    "toml",
    "output",
}
_FILENAME = (
    r"[\w./-]*[\w-]\.(?:tf|tfvars|hcl|py|js|ts|sh|json|ya?ml|md|txt|zip|cfg)"
    r"(?:\.(?:example|sample|template|dist))?"
)
# a file shown as a pattern to copy, which Terraform does not load
_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist")
_INFO_ATTR = re.compile(
    r'(?:title|filename|file|name|path)\s*=\s*"?(' + _FILENAME + ')"?'
)
_INFO_WORD = re.compile(r"^[\w+-]+[:\s]+(" + _FILENAME + r")\s*$")
_COMMENT_NAME = re.compile(
    r"^\s*(?:#|//|/\*)\s*(?:(?:file(?:name)?|path)\s*[:=-]?\s*)?`?("
    + _FILENAME
    + r")`?"
    r"(?:\s*[-:(].*)?\s*(?:\*/)?\s*$",
    re.I,
)
# a comment that is nothing but a file name starts a new file inside a block
_SPLIT_COMMENT = re.compile(
    r"^(?:#|//|/\*)\s*(?:file(?:name)?\s*:\s*)?`?("
    + _FILENAME
    + r")`?\s*:?\s*(?:\*/)?\s*$",
    re.I,
)
_FILE_COMMENT_AFTER_BLANK = re.compile(
    r"\n[ \t]*\n(?:#|//|/\*)[^\n]*\.(?:tf|tfvars|py|js|sh|json|ya?ml)\b"
)
_LABEL_NAME = re.compile(r"(?:^|[\s`*_:(\"'])(" + _FILENAME + r")(?=$|[\s`*_:),.\"'])")
UNFENCED = "(no fence)"
_CLOSING_LINE = re.compile(r"^}[ \t]*$", re.M)
_HCL_LINE = re.compile(
    r'^[ \t]*(?:(?:resource|data)\s+"[\w-]+"\s+"[^"]+"|'
    r'(?:variable|output|module|provider)\s+"[^"]+"|terraform\s*\{|locals\s*\{)',
    re.M,
)
_EXTENSIONS = {
    "bash": "sh",
    "sh": "sh",
    "shell": "sh",
    "console": "sh",
    "python": "py",
    "py": "py",
    "json": "json",
    "yaml": "yaml",
    "yml": "yaml",
    "javascript": "js",
    "js": "js",
    "typescript": "ts",
    "ts": "ts",
    "markdown": "md",
    "md": "md",
}
# block structure is all extraction needs; inline parsing would double the cost
_MD = MarkdownIt("commonmark").disable("inline")


@dataclass
class CodeBlock:
    """One fenced (or indented) block of the answer."""

    index: int
    lang: str
    info: str
    content: str
    line: int
    closed: bool
    kind: str = "auxiliary"
    name: str = ""
    name_from: str = "default"

    @property
    def is_terraform(self) -> bool:
        return self.kind in ("terraform", "tfvars")

    @property
    def first_line(self) -> str:
        return next((x for x in self.content.splitlines() if x.strip()), "")


@dataclass
class AnswerFile:
    """A file assembled from one or more blocks."""

    name: str
    kind: str
    text: str
    blocks: list[int]
    name_from: str
    may_be_cut: bool = False

    @property
    def lines(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)


@dataclass
class Extraction:
    blocks: list[CodeBlock] = field(default_factory=list)
    files: list[AnswerFile] = field(default_factory=list)
    truncated: bool = False
    fenced: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def terraform_files(self) -> list[AnswerFile]:
        return [f for f in self.files if f.kind in ("terraform", "tfvars")]


def extract(answer: str) -> Extraction:
    """Split an answer into code blocks and named files."""
    answer = answer.replace("\r\n", "\n")
    tokens = _MD.parse(answer)
    lines = answer.split("\n")
    blocks = _code_blocks(tokens, lines)
    result = Extraction(blocks=blocks)
    if not any(b.is_terraform for b in blocks):
        whole = _unfenced_hcl(answer)
        if whole is not None:
            result.fenced = False
            # without fences nothing says where the answer's code was meant to end
            unfenced = CodeBlock(len(blocks), "", UNFENCED, whole, 1, True, "terraform")
            blocks.append(unfenced)
    for block in blocks:
        _name(block, tokens, lines)
    blocks[:] = [part for block in blocks for part in _split(block)]
    result.truncated = any(not b.closed for b in blocks)
    result.files = _assemble(blocks, result.notes)
    return result


def _code_blocks(tokens: list[Token], lines: list[str]) -> list[CodeBlock]:
    blocks = []
    for token in tokens:
        if token.type not in ("fence", "code_block") or token.map is None:
            continue
        info = token.info.strip()
        lang = info.split()[0].split(":")[0].strip("{}.") if info else ""
        closed = token.type == "code_block" or _is_closed(token, lines)
        block = CodeBlock(
            len(blocks), lang, info, token.content, token.map[0] + 2, closed
        )
        block.kind = _classify(block)
        blocks.append(block)
    return blocks


def _is_closed(token: Token, lines: list[str]) -> bool:
    end = token.map[1] if token.map else 0
    if end < 2 or end > len(lines):
        return False
    last = lines[end - 1].strip()
    char = token.markup[0]
    return len(last) >= len(token.markup) and set(last) == {char}


def _classify(block: CodeBlock) -> str:
    lang = block.lang.lower()
    if lang in _TERRAFORM_TAGS:
        return (
            "tfvars"
            if _INFO_WORD.match(block.info) and ".tfvars" in block.info
            else "terraform"
        )
    if lang in _TFVARS_TAGS:
        return "tfvars"
    # untagged or mistagged (```haskell, ```hcf) blocks holding Terraform count;
    # a language whose text may quote Terraform (Markdown, shell) does not
    if lang not in _NOT_TERRAFORM and _HCL_LINE.search(block.content):
        return "terraform"
    return "auxiliary"


def _unfenced_hcl(answer: str) -> str | None:
    """Terraform written without fences: from its first block to its last brace."""
    m = _HCL_LINE.search(answer)
    if m is None:
        return None
    start = answer.rfind("\n", 0, m.start()) + 1
    closings = list(_CLOSING_LINE.finditer(answer, start))
    end = closings[-1].end() if closings else len(answer)
    return answer[start:end].rstrip("\n") + "\n"


# -- names --------------------------------------------------------------------


def _name(block: CodeBlock, tokens: list[Token], lines: list[str]) -> None:
    for source, found in (
        ("info string", _name_from_info(block.info)),
        ("heading", _name_from_label(block, tokens)),
        ("first-line comment", _name_from_comment(block)),
    ):
        if found and _fits(block, found):
            block.name, block.name_from = found, source
            break
    else:
        block.name = _default_name(block)
        if block.kind == "terraform" and not _HCL_LINE.search(block.content):
            # an unnamed fragment (a "before/after" snippet of arguments) is an
            # illustration, not part of a file
            block.kind, block.name = "auxiliary", f"snippet-{block.index + 1}.hcl"
    if block.name.endswith(_EXAMPLE_SUFFIXES):
        block.kind = "auxiliary"
    if block.kind == "terraform" and block.name.endswith(".tfvars"):
        block.kind = "tfvars"
    if block.kind == "auxiliary" and block.name.endswith(".tf") and block.lang == "":
        block.kind = "terraform"


def _fits(block: CodeBlock, name: str) -> bool:
    """Whether a name suits the block: a shell block is never called main.tf."""
    terraform_name = name.endswith((".tf", ".tfvars", ".hcl"))
    if name.endswith(_EXAMPLE_SUFFIXES) or (
        block.kind == "auxiliary" and block.lang == ""
    ):
        return True
    return terraform_name == (block.kind != "auxiliary")


def _name_from_info(info: str) -> str | None:
    m = _INFO_ATTR.search(info) or _INFO_WORD.match(info)
    return m.group(1) if m else None


def _name_from_comment(block: CodeBlock) -> str | None:
    return _name_from_comment_text(block.first_line)


def _name_from_label(block: CodeBlock, tokens: list[Token]) -> str | None:
    label = _preceding_label(block, tokens)
    if label is None:
        return None
    m = _LABEL_NAME.search(label)
    return m.group(1) if m else None


def _preceding_label(block: CodeBlock, tokens: list[Token]) -> str | None:
    """The heading or short paragraph right before the block, if any."""
    fence_line = block.line - 2
    previous = None
    for index, token in enumerate(tokens):
        if token.map is None or token.level != 0 or token.type.endswith("_close"):
            continue
        if token.map[0] >= fence_line:
            break
        previous = index
    if previous is None:
        return None
    opener = tokens[previous]
    if opener.type in ("bullet_list_open", "ordered_list_open"):
        # "1. The VPC module (modules/vpc/main.tf):" is a list item's text
        return _last_list_text(tokens, previous, fence_line)
    if opener.type not in ("heading_open", "paragraph_open"):
        return None
    inline = tokens[previous + 1].content
    if opener.type == "paragraph_open" and len(inline) > 120:
        return None
    return inline


def _last_list_text(tokens: list[Token], start: int, fence_line: int) -> str | None:
    texts = [
        token.content
        for token in tokens[start:]
        if token.type == "inline" and token.map and token.map[0] < fence_line
    ]
    return texts[-1] if texts and len(texts[-1]) <= 120 else None


def _default_name(block: CodeBlock) -> str:
    if block.kind == "terraform":
        return "main.tf"
    if block.kind == "tfvars":
        return "terraform.tfvars"
    ext = _EXTENSIONS.get(block.lang.lower(), "txt")
    return f"block-{block.index + 1}.{ext}"


def _split(block: CodeBlock) -> list[CodeBlock]:
    """Split a Terraform block where a top-level comment names another file.

    Models often write several files in one fence, each introduced by a comment
    such as ``# variables.tf``; such a comment only counts at depth zero, after
    a blank line.
    """
    if block.kind != "terraform" or not _FILE_COMMENT_AFTER_BLANK.search(block.content):
        return [block]
    lines = block.content.split("\n")
    inside = set()
    for chunk in scan(block.content).chunks:
        inside.update(range(chunk.line, chunk.end_line + 1))
    cuts = [
        i
        for i in range(1, len(lines))
        if i + 1 not in inside
        and not lines[i - 1].strip()
        and _SPLIT_COMMENT.match(lines[i])
        and not lines[i][0].isspace()
        and _segment_fits(lines, i)
    ]
    if not cuts:
        return [block]
    parts = [replace(block, content="\n".join(lines[: cuts[0]]).rstrip() + "\n")]
    for start, end in zip(cuts, [*cuts[1:], len(lines)], strict=True):
        content = "\n".join(lines[start:end])
        name = _name_from_comment_text(lines[start]) or block.name
        kind = _kind_for_name(name, block.kind)
        parts.append(
            replace(
                block,
                content=content,
                line=block.line + start,
                name=name,
                name_from="comment inside block",
                kind=kind,
            )
        )
    return [p for p in parts if p.content.strip()]


def _segment_fits(lines: list[str], start: int) -> bool:
    """A comment naming a non-Terraform file starts a split only before non-HCL."""
    name = _name_from_comment_text(lines[start]) or ""
    if name.endswith((".tf", ".tfvars", ".hcl")):
        return True
    rest = "\n".join(lines[start + 1 :])
    return _HCL_LINE.search(rest) is None


def _name_from_comment_text(line: str) -> str | None:
    m = _COMMENT_NAME.match(line) or _SPLIT_COMMENT.match(line)
    return m.group(1) if m else None


def _kind_for_name(name: str, default: str) -> str:
    if name.endswith(".tfvars"):
        return "tfvars"
    if name.endswith(".tf"):
        return "terraform"
    return "auxiliary" if "." in name else default


# -- files --------------------------------------------------------------------


def _assemble(blocks: list[CodeBlock], notes: list[str]) -> list[AnswerFile]:
    files: dict[str, AnswerFile] = {}
    for block in blocks:
        existing = files.get(block.name)
        if existing is None:
            existing = files[block.name] = AnswerFile(
                block.name, block.kind, block.content, [block.index], block.name_from
            )
        elif existing.kind == "terraform" and _repeats(existing.text, block.content):
            notes.append(
                f"block {block.index + 1} repeats {block.name} in full and "
                "replaces the earlier version"
            )
            existing.text, existing.blocks = block.content, [block.index]
        else:
            notes.append(f"block {block.index + 1} is merged into {block.name}")
            existing.text = _join(existing.text, block.content)
            existing.blocks.append(block.index)
        existing.may_be_cut = not block.closed or block.info == UNFENCED
    return list(files.values())


def _join(first: str, second: str) -> str:
    return first + ("" if first.endswith("\n") else "\n") + "\n" + second


def declared_headers(text: str) -> set[str]:
    """Addresses declared by block header lines, read without parsing."""
    found = set()
    for m in _HCL_LINE.finditer(text):
        line_end = text.find("\n", m.start())
        address = header_address(text[m.start() : line_end if line_end >= 0 else None])
        if address:
            found.add(address)
    return found


def _repeats(earlier: str, later: str) -> bool:
    before = declared_headers(earlier)
    return bool(before) and before <= declared_headers(later)
