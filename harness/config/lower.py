"""Turn the parser's tree into blocks, attributes and expression nodes.

python-hcl2 builds a lark tree; its own serialisers lose information the graders
need (heredoc text, expressions as strings). This module reads the tree
directly and builds :mod:`harness.config.expr` nodes and :class:`Block` objects.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from harness.config import expr as ex
from harness.config.model import Attribute, Block, Location
from harness.config.source import decode_identifier

_PUNCTUATION = {
    "LPAR",
    "RPAR",
    "LBRACE",
    "RBRACE",
    "LSQB",
    "RSQB",
    "COMMA",
    "DOT",
    "EQ",
    "COLON",
    "DBLQUOTE",
    "QMARK",
    "ELLIPSIS",
    "FOR_OBJECT_ARROW",
    "FOR",
    "IN",
    "IF",
    "INTERP_START",
    "DIRECTIVE_START",
    "STRIP_MARKER",
    "COLONS",
}
_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_ESCAPE_ANY = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.|$)", re.S)
_VALID_ESCAPE = re.compile(r'\\(?:[nrt"\\]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})')
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """Resolve HCL string escapes and the ``$${`` and ``%%{`` literals."""

    def replace(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    if "\\" in text:
        text = _ESCAPES.sub(replace, text)
    return text.replace("$${", "${").replace("%%{", "%{")


class UnexpectedBrace(ValueError):
    """A block's opening brace is not on the line of its header."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__("a block's opening brace must be on its header's line")
        self.line, self.column = line, column


class Lowerer:
    """Builds model objects from one parsed text."""

    def __init__(self, source: str, file: str) -> None:
        self.source = source
        self.file = file
        # (line, column, message, address) of what Terraform would reject but
        # the parser let through; the block itself is kept for grading
        self.problems: list[tuple[int, int, str, str | None]] = []

    def problem(self, line: int, column: int, message: str) -> None:
        self.problems.append((line, column, message, None))

    # -- bodies ------------------------------------------------------------

    def body(
        self, tree: Tree, top: bool = True
    ) -> tuple[dict[str, Attribute], list[Block]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                attr = self.attribute(child)
                if attr.name in attributes:
                    first = attributes[attr.name].location.line
                    self.problem(
                        attr.location.line,
                        attr.location.column,
                        f"argument {attr.name} is set twice (first on line {first})",
                    )
                attributes[attr.name] = attr
            elif child.data == "block":
                before = len(self.problems)
                blocks.append(self.block(child))
                if top:
                    self._attribute_problems(before, blocks[-1])
        return attributes, blocks

    def _attribute_problems(self, since: int, block: Block) -> None:
        from harness.config.model import address_of

        address = address_of(block)
        for index in range(since, len(self.problems)):
            line, column, message, _ = self.problems[index]
            self.problems[index] = (line, column, message, address)

    def attribute(self, tree: Tree) -> Attribute:
        name_node, value = tree.children[0], tree.children[-1]
        name = self.name(name_node)
        return Attribute(name, self.expr(value), self.location(tree))

    def block(self, tree: Tree) -> Block:
        labels: list[str] = []
        body_tree = None
        for child in tree.children:
            if isinstance(child, Token):
                continue
            if child.data == "body":
                body_tree = child
            elif child.data == "string":
                labels.append(self._plain_string(child))
            elif child.data == "new_line_or_comment":
                # Terraform requires the opening brace on the header's line
                raise UnexpectedBrace(child.meta.line, child.meta.column)
            else:
                labels.append(self.name(child))
        attributes, blocks = self.body(body_tree, top=False) if body_tree else ({}, [])
        self._check_closing_brace(tree, body_tree)
        type_, *rest = labels
        return Block(type_, tuple(rest), attributes, blocks, self.location(tree))

    def _check_closing_brace(self, tree: Tree, body: Tree | None) -> None:
        """A multi-line block's closing brace must stand on its own line."""
        closing = tree.children[-1]
        items = [
            c
            for c in (body.children if body else [])
            if isinstance(c, Tree) and c.data in ("attribute", "block")
        ]
        if (
            not items
            or not isinstance(closing, Token)
            or closing.line == tree.meta.line
        ):
            return
        between = self.source[items[-1].meta.end_pos : closing.start_pos]
        ends_line = self.source[items[-1].meta.end_pos - 1 : items[-1].meta.end_pos]
        if "\n" not in between and ends_line != "\n":
            self.problem(
                closing.line,
                closing.column,
                "the closing brace must be on its own line",
            )

    def location(self, tree: Tree) -> Location:
        meta = tree.meta
        return Location(self.file, meta.line, meta.end_line, meta.column)

    def name(self, node: Tree | Token) -> str:
        token = node.children[0] if isinstance(node, Tree) else node
        return decode_identifier(str(token))

    def _plain_string(self, tree: Tree) -> str:
        parts = [str(c.children[0]) for c in tree.children if isinstance(c, Tree)]
        return unescape("".join(parts))

    # -- expressions ---------------------------------------------------------

    def expr(self, node: Tree | Token) -> ex.Expr:
        if isinstance(node, Token):
            return ex.Literal(line=node.line, text=str(node), value=str(node))
        handler = getattr(self, "_" + node.data, None)
        if handler is None:
            raise ValueError(f"unexpected expression node {node.data!r}")
        return handler(node)

    def _meta(self, tree: Tree) -> dict[str, Any]:
        meta = tree.meta
        text = self.source[meta.start_pos : meta.end_pos] if not meta.empty else ""
        return {"line": getattr(meta, "line", 0), "text": text}

    def _trees(self, tree: Tree) -> list[Tree]:
        return [
            c
            for c in tree.children
            if isinstance(c, Tree) and c.data != "new_line_or_comment"
        ]

    def _expr_term(self, tree: Tree) -> ex.Expr:
        inner = self._trees(tree)
        return self.expr(inner[0])

    def _identifier(self, tree: Tree) -> ex.Expr:
        name = self.name(tree)
        return ex.Traversal(**self._meta(tree), root=name)

    _keyword = _identifier

    def _literal_value(self, tree: Tree) -> ex.Expr:
        value = {"true": True, "false": False, "null": None}[str(tree.children[0])]
        return ex.Literal(**self._meta(tree), value=value)

    def _int_lit(self, tree: Tree) -> ex.Expr:
        return ex.Literal(**self._meta(tree), value=int(str(tree.children[0])))

    def _float_lit(self, tree: Tree) -> ex.Expr:
        return ex.Literal(**self._meta(tree), value=float(str(tree.children[0])))

    def _string(self, tree: Tree) -> ex.Expr:
        parts: list[str | ex.Expr] = []
        directives = False
        bound: set[str] = set()
        for part in tree.children:
            if isinstance(part, Token):
                continue
            inner = part.children[0]
            if isinstance(inner, Token):
                self._check_string_chars(inner)
                _append_text(parts, unescape(str(inner)))
            elif inner.data == "interpolation":
                parts.append(self.expr(self._trees(inner)[0]))
            else:
                directives = True
                parts.extend(
                    self.expr(t) for t in self._trees(inner) if t.data != "identifier"
                )
                if inner.data == "template_for_start":
                    bound |= {
                        self.name(t)
                        for t in self._trees(inner)
                        if t.data == "identifier"
                    }
        return ex.Template(
            **self._meta(tree),
            parts=tuple(parts),
            directives=directives,
            bound=frozenset(bound),
        )

    def _check_string_chars(self, token: Token) -> None:
        text = str(token)
        if "\n" in text:
            self.problem(
                token.line,
                token.column,
                "a quoted string cannot span lines; use a heredoc",
            )
        bad = next(
            (
                m.group(0)
                for m in _ESCAPE_ANY.finditer(text)
                if not _VALID_ESCAPE.fullmatch(m.group(0))
            ),
            None,
        )
        if bad:
            self.problem(
                token.line, token.column, f"invalid escape sequence {bad!r} in a string"
            )

    def _template_string(self, tree: Tree) -> ex.Expr:
        raw = str(tree.children[0])
        return ex.Literal(**self._meta(tree), value=unescape(raw[2:-2]))

    def _heredoc_template(self, tree: Tree) -> ex.Expr:
        return heredoc(str(tree.children[0]), tree.meta.line, self.file)

    _heredoc_template_trim = _heredoc_template

    def _tuple(self, tree: Tree) -> ex.Expr:
        items = tuple(self.expr(t) for t in self._trees(tree))
        return ex.TupleExpr(**self._meta(tree), items=items)

    def _object(self, tree: Tree) -> ex.Expr:
        items = []
        for elem in self._trees(tree):
            key_node, value_node = self._trees(elem)
            items.append((self._object_key(key_node), self.expr(value_node)))
        return ex.ObjectExpr(**self._meta(tree), items=tuple(items))

    def _object_key(self, tree: Tree) -> ex.Expr:
        inner = tree.children[0]
        if isinstance(inner, Tree) and inner.data == "keyword":
            return ex.Literal(**self._meta(inner), value=str(inner.children[0]))
        key = self.expr(inner)
        if isinstance(key, ex.Traversal) and not key.steps:
            return ex.Literal(line=key.line, text=key.text, value=key.root)
        return key

    def _function_call(self, tree: Tree) -> ex.Expr:
        names = [self.name(t) for t in self._trees(tree) if t.data == "identifier"]
        args_tree = next((t for t in self._trees(tree) if t.data == "arguments"), None)
        args = tuple(self.expr(t) for t in self._trees(args_tree)) if args_tree else ()
        return ex.Call(**self._meta(tree), name="::".join(names), args=args)

    def _conditional(self, tree: Tree) -> ex.Expr:
        cond, true, false = (self.expr(t) for t in self._trees(tree))
        return ex.Conditional(
            **self._meta(tree), condition=cond, true=true, false=false
        )

    def _binary_op(self, tree: Tree) -> ex.Expr:
        left, term = self._trees(tree)
        operator, right = self._trees(term)
        op = str(operator.children[0]).strip()
        operands = (self.expr(left), self.expr(right))
        return ex.Operation(**self._meta(tree), operator=op, operands=operands)

    def _unary_op(self, tree: Tree) -> ex.Expr:
        op = str(tree.children[0])
        operand = self.expr(tree.children[1])
        return ex.Operation(**self._meta(tree), operator=op, operands=(operand,))

    def _steps(self, tree: Tree) -> list[ex.Step]:
        kind = tree.data
        if kind == "get_attr":
            return [ex.Step("attr", name=self.name(self._trees(tree)[0]))]
        if kind == "braces_index":
            return [ex.Step("index", key=self.expr(self._trees(tree)[0]))]
        if kind == "short_index":
            index = int(str(tree.children[-1]))
            return [ex.Step("index", key=ex.Literal(value=index, text=str(index)))]
        steps = [ex.Step("splat")]
        for child in self._trees(tree):
            steps += self._steps(child)
        return steps

    def _access(self, tree: Tree) -> ex.Expr:
        base_node, step_node = self._trees(tree)
        base = self.expr(base_node)
        steps = tuple(self._steps(step_node))
        meta = self._meta(tree)
        if isinstance(base, ex.Traversal):
            return ex.Traversal(**meta, root=base.root, steps=base.steps + steps)
        if isinstance(base, ex.Access):
            return ex.Access(**meta, source=base.source, steps=base.steps + steps)
        return ex.Access(**meta, source=base, steps=steps)

    _index_expr_term = _access
    _get_attr_expr_term = _access
    _attr_splat_expr_term = _access
    _full_splat_expr_term = _access

    def _for(self, tree: Tree, is_object: bool) -> ex.Expr:
        intro, *rest = self._trees(tree)
        intro_trees = self._trees(intro)
        names = [self.name(t) for t in intro_trees[:-1]]
        collection = self.expr(intro_trees[-1])
        condition = None
        if rest and rest[-1].data == "for_cond":
            condition = self.expr(self._trees(rest.pop())[0])
        key = self.expr(rest[0]) if is_object else None
        value = self.expr(rest[-1])
        key_var, value_var = (
            (names[0], names[1]) if len(names) == 2 else (None, names[0])
        )
        return ex.ForExpr(
            **self._meta(tree),
            key_var=key_var,
            value_var=value_var,
            collection=collection,
            key=key,
            value=value,
            condition=condition,
        )

    def _for_tuple_expr(self, tree: Tree) -> ex.Expr:
        return self._for(tree, is_object=False)

    def _for_object_expr(self, tree: Tree) -> ex.Expr:
        return self._for(tree, is_object=True)


def _append_text(parts: list[str | ex.Expr], text: str) -> None:
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


# -- heredocs -----------------------------------------------------------------

_TEMPLATE_OPEN = re.compile(r"\$\$\{|%%\{|\$\{|%\{")
_DIRECTIVE = re.compile(r"^\s*(if|for|else|endif|endfor)\b(.*)$", re.S)


def heredoc(token: str, line: int, file: str) -> ex.Template:
    """Build a template from a heredoc token, dedenting ``<<-`` bodies."""
    lines = token.split("\n")
    header, body = lines[0], lines[1:]
    while body and body[-1].strip() == "":
        body.pop()
    body = body[:-1]  # the closing marker
    if header.startswith("<<-"):
        body = _dedent(body)
    text = "\n".join(body) + "\n" if body else ""
    return parse_template(text, line + 1, file, raw=token)


def _dedent(lines: list[str]) -> list[str]:
    widths = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
    cut = min(widths, default=0)
    return [x[cut:] for x in lines]


def parse_template(text: str, line: int, file: str, raw: str = "") -> ex.Template:
    """Split template text into literal pieces and parsed interpolations."""
    parts: list[str | ex.Expr] = []
    directives = False
    bound: set[str] = set()
    pos = 0
    while True:
        m = _TEMPLATE_OPEN.search(text, pos)
        if m is None:
            _append_text(parts, text[pos:])
            break
        _append_text(parts, text[pos : m.start()])
        if m.group() in ("$${", "%%{"):
            _append_text(parts, m.group()[1:])
            pos = m.end()
            continue
        close = _matching_brace(text, m.end())
        inner = text[m.end() : close].strip()
        strip_left, strip_right = inner.startswith("~"), inner.endswith("~")
        inner = inner.strip("~").strip()
        at = line + text.count("\n", 0, m.start())
        if strip_left and parts and isinstance(parts[-1], str):
            parts[-1] = parts[-1].rstrip()
        if m.group() == "${":
            parts.append(_parse_inner(inner, at, file))
        else:
            directives = True
            parts.extend(_directive_exprs(inner, at, file, bound))
        pos = close + 1
        if strip_right:
            pos += len(text[pos:]) - len(text[pos:].lstrip())
    parts = [p for p in parts if p != ""]
    return ex.Template(
        line=line,
        text=raw or text,
        parts=tuple(parts),
        directives=directives,
        bound=frozenset(bound),
    )


def _matching_brace(text: str, start: int) -> int:
    depth, pos, quote = 1, start, False
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == "\\":
                pos += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return len(text)


def _directive_exprs(
    inner: str, line: int, file: str, bound: set[str]
) -> list[ex.Expr]:
    m = _DIRECTIVE.match(inner)
    if m is None:
        return []
    keyword, rest = m.group(1), m.group(2)
    if keyword == "if":
        return [_parse_inner(rest, line, file)]
    if keyword == "for" and " in " in rest:
        names, collection = rest.split(" in ", 1)
        bound |= {n.strip() for n in names.split(",")}
        return [_parse_inner(collection, line, file)]
    return []


def _parse_inner(text: str, line: int, file: str) -> ex.Expr:
    try:
        return _parse_expression(text.strip(), line, file)
    except (LarkError, ValueError, KeyError, RecursionError):
        # an interpolation that does not parse stays an opaque value
        return ex.Literal(line=line, text=text, value=ex.UNKNOWN)


@lru_cache(maxsize=4096)
def _parse_expression(text: str, line: int, file: str) -> ex.Expr:
    source = "\n" * (line - 1) + "x = " + text + "\n"
    tree = hcl2.parses_to_tree(source)
    lowered = Lowerer(source, file)
    attrs, _ = lowered.body(tree.children[0])
    return attrs["x"].expr
