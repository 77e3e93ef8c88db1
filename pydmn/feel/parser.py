"""FEEL text -> AST (ast.py), with Lark's LALR parser over feel.lark and our own lexer.

The lexer is ours because FEEL names may contain spaces, keywords and `'./-+*?`: the parser
cannot know where `Applicant's age` or `date and time` ends without the names in scope. At each
name start the lexer takes the longest known name (the caller's names, built-in function and
type names, and keys this very text defines in contexts); otherwise a plain word. The grammar
then joins adjacent words (`Monthly Salary`) into one name, since FEEL never juxtaposes two
expressions.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from pydmn.errors import FeelSyntaxError
from pydmn.feel import ast
from pydmn.feel.builtins import BUILTINS
from pydmn.feel.properties import PROPERTY_NAMES
from pydmn.feel.typecheck import TYPE_NAMES

MAX_TEXT = 200_000          # characters of one expression
MAX_NESTING = 100           # brackets and if/for/some/every/function constructs inside each other
MAX_DEPTH = 150             # nesting of the AST (evaluation recurses once per level)

KEYWORDS = {
    "for": "_FOR", "in": "_IN", "return": "_RETURN", "if": "_IF", "then": "_THEN",
    "else": "_ELSE", "some": "SOME", "every": "EVERY", "satisfies": "_SATISFIES",
    "and": "_AND", "or": "_OR", "between": "_BETWEEN", "instance": "_INSTANCE", "of": "_OF",
    "null": "_NULL", "true": "_TRUE", "false": "_FALSE", "function": "_FUNCTION",
    "external": "_EXTERNAL",
}

PUNCTUATION = {
    "(": "_LPAR", ")": "_RPAR", "[": "_LSQB", "]": "_RSQB", "{": "_LBRACE", "}": "_RBRACE",
    ",": "_COMMA", ":": "_COLON", ".": "_DOT", "..": "_DOTDOT", "->": "_ARROW",
    "+": "PLUS", "-": "MINUS", "*": "STAR", "/": "SLASH", "**": "POW", "=": "EQ", "!=": "NE",
    "<": "LT", "<=": "LE", ">": "GT", ">=": "GE",
}

_SPACE = re.compile(r"(?:\s|//[^\n]*|/\*.*?\*/)+", re.S)
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DIGITS = "0123456789"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
# Name start and part characters (rules 25-30): letters, `_`, `?`, and the astral planes.
_WORD = re.compile("(?:[^\\W\\d]|[\U00010000-\U000EFFFF])(?:\\w|[\u00B7\u0300-\u036F\u203F"
                   "\u2040\U00010000-\U000EFFFF])*|\\?")
_PUNCT = re.compile(r"\*\*|\.\.|->|!=|<=|>=|[()\[\]{},:.+\-*/=<>]")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{6}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "\\": "\\"}
# Keys with characters a plain word cannot hold, defined by this text: `{Is Affordable?: x}`.
_KEY = re.compile(r"(?:[{,]|function\s*\()\s*([^\W\d][\w'?./+*\- ]*?)\s*:(?!=)")
_SPECIAL = re.compile(r"[\s'?./+*\-]")


def unescape(body: str, text: str, pos: int) -> str:
    """FEEL string escapes, including \\uXXXX surrogate pairs and \\UXXXXXX."""
    def one(m):
        esc = m.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        # Other escapes stay as written: regular expressions (`\\d`) pass through.
        return _SIMPLE_ESCAPES.get(esc, "\\" + esc)
    if "\\" not in body:
        return body
    out = _ESCAPE.sub(one, body)
    # \uD83D\uDE00 arrives as two surrogates; join them into one code point.
    return out.encode("utf-16", "surrogatepass").decode("utf-16")


def _is_multi_word(name: str) -> bool:
    """A name the plain word rules would not read whole (spaces, `'./-+*?`, or a keyword)."""
    return bool(_SPECIAL.search(name)) or name in KEYWORDS


# Multi-word names every expression knows: built-in functions (the registry, DMN 1.5 10.3.4),
# type names and the properties of values, taken from where each is defined.
ALWAYS_KNOWN = frozenset(n for n in (*BUILTINS, *TYPE_NAMES.values(), *PROPERTY_NAMES)
                         if " " in n)


def _lead(text: str, pos: int = 0) -> str:
    """The whole run of word characters at `pos` (or its one other character): the key under
    which the names that can start there are found."""
    word = _WORD_CHARS.match(text, pos)
    return word.group() if word else text[pos:pos + 1]


class _NameIndex:
    """Multi-word names as a trie of their whitespace-separated chunks, each level keyed by
    the chunk's leading word: finding the longest name at a position costs the length of the
    names there, not the number of names (a model may define tens of thousands)."""
    __slots__ = ("children", "name")

    def __init__(self, names=()):
        self.children: dict[str, dict[str, _NameIndex]] = {}    # lead -> chunk -> subtree
        self.name: str | None = None
        for name in names:
            node = self
            for chunk in name.split():
                options = node.children.setdefault(_lead(chunk), {})
                node = options.get(chunk) or options.setdefault(chunk, _NameIndex())
            node.name = name

    def longest(self, text: str, pos: int) -> tuple[int, str] | None:
        """(end, name) of the longest name written at `pos` (chunks apart by whitespace)."""
        best = None
        for chunk, node in self.children.get(_lead(text, pos), {}).items():
            if not text.startswith(chunk, pos):
                continue
            end = pos + len(chunk)
            # a name ending in a letter must not run on into a longer word
            if node.name is not None and not (_WORD_CHAR.match(chunk[-1])
                                              and _WORD_CHAR.match(text, end)):
                best = max(best or (0, ""), (end, node.name))
            space = _GAP.match(text, end)
            if space and node.children:
                found = node.longest(text, space.end())
                if found:
                    best = max(best or (0, ""), found)
        return best


_GAP = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")
_WORD_CHARS = re.compile(r"\w+")


@lru_cache(maxsize=64)
def _index(names: frozenset) -> _NameIndex:
    """The names every expression knows plus the multi-word ones of `names`, built once per
    set of names (a model's)."""
    return _NameIndex(ALWAYS_KNOWN | {n for n in names if _is_multi_word(n)})


_ENDS_VALUE = {"NAME", "NUMBER", "STRING", "AT_STRING", "_RPAR", "_RSQB", "_RBRACE", "_TRUE",
               "_FALSE", "_NULL"}


class Source:
    """What the parser is given to read: the text and the indexes of the names it knows there
    (Lark hands a custom lexer the object passed to `parse`)."""
    __slots__ = ("text", "names")

    def __init__(self, text: str, names: tuple[_NameIndex, ...]):
        self.text = text
        self.names = names


class FeelLexer(Lexer):
    """Yields Lark tokens for a Source's text, reading the names its indexes hold whole."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, source: Source) -> Iterator[Token]:  # type: ignore[override]  # our Source, not lark's text
        text, indexes = source.text, source.names
        pos, n = 0, len(text)
        prev = None
        while pos < n:
            m = _SPACE.match(text, pos)
            if m:
                pos = m.end()
                continue
            c = text[pos]
            if c == '"':
                m = _STRING.match(text, pos)
                if not m:
                    raise FeelSyntaxError("unterminated string", text, pos)
                prev = "STRING"
                yield Token("STRING", unescape(m.group()[1:-1], text, pos), pos)
                pos = m.end()
                continue
            if c == "@":
                m = _STRING.match(text, pos + 1)
                if not m:
                    raise FeelSyntaxError("@ must be followed by a string", text, pos)
                prev = "AT_STRING"
                yield Token("AT_STRING", unescape(m.group()[1:-1], text, pos), pos)
                pos = m.end()
                continue
            if c in _DIGITS or (c == "." and text[pos + 1:pos + 2] in _DIGITS
                                and text[pos + 1:pos + 2] and text[pos - 1:pos] != "."):
                m = _NUMBER.match(text, pos)
                assert m is not None        # a digit, or a point before one, starts a number
                prev = "NUMBER"
                yield Token("NUMBER", m.group(), pos)
                pos = m.end()
                continue
            word = _WORD.match(text, pos)
            if word is not None:
                lead = _lead(text, pos)
                found = max((index.longest(text, pos) for index in indexes
                             if lead in index.children), key=lambda f: f[0] if f else -1,
                            default=None)
                if found and found[0] > word.end():
                    prev = "NAME"
                    yield Token("NAME", found[1], pos)
                    pos = found[0]
                    continue
            if word is not None:
                prev = KEYWORDS.get(word.group(), "NAME")
                yield Token(prev, word.group(), pos)
                pos = word.end()
                continue
            m = _PUNCT.match(text, pos)
            if m:
                kind = PUNCTUATION[m.group()]
                # `]` opens an interval (`]1..5]`) unless it can close something here; after
                # `>` it closes (`[x instance of list<number>]`): no range follows a `>`.
                if kind == "_RSQB" and prev not in _ENDS_VALUE and prev not in ("_LSQB", "GT"):
                    kind = "_RSQB_OPEN"
                prev = kind
                yield Token(kind, m.group(), pos)
                pos = m.end()
                continue
            raise FeelSyntaxError(f"unexpected character {c!r}", text, pos)


class _Measured:
    """A rule's value on the parser's stack with the depth of the tree under it."""
    __slots__ = ("value", "depth")

    def __init__(self, value, depth: int):
        self.value = value
        self.depth = depth


_LEAVES = (ast.Literal, ast.TemporalLiteral, ast.Name)


def _measured(build, _rule, children, _meta) -> _Measured:
    """Runs a builder method on its children's values. What it makes is one level deeper than
    its deepest child (a rule that hands its child on, `var`, adds none). Evaluation recurses
    once per level, so the parse stops where the tree gets too deep: a long operator chain,
    which the nesting pre-scan cannot see, costs no more than MAX_DEPTH operators."""
    depth, values = 0, []
    for child in children:
        if type(child) is _Measured:
            if child.depth > depth:
                depth = child.depth
            child = child.value
        values.append(child)
    node = build(*values)
    if isinstance(node, _LEAVES):
        depth = 1                   # `- - 1` folds into one literal
    elif isinstance(node, ast.Node) and not (values and node is values[0]):
        depth += 1
        if depth > MAX_DEPTH:
            raise FeelSyntaxError(f"expression nested deeper than {MAX_DEPTH} (operators "
                                  f"and constructs)")
    return _Measured(node, depth)


class _Builder(Transformer):
    """Lark parse tree -> ast nodes (runs inline during LALR reductions); each method gets its
    children's values, through `_measured`."""

    def expression_start(self, e):
        return e

    def unary_tests(self, *tests):
        return ast.UnaryTests(tuple(tests))

    def unary_cmp(self, op, operand):
        if isinstance(operand, (ast.UnaryComparison, ast.RangeExpr)):
            # `< < 5` parses (a unary test is an expression) but never compares: a typo
            raise FeelSyntaxError(f"a range cannot follow {op}")
        return ast.UnaryComparison(str(op), operand)

    def function_def(self, *items):
        *params, body = items
        return ast.FunctionDef(tuple(p for p in params if p is not None), body, False)

    def external_def(self, *items):
        *params, body = items
        return ast.FunctionDef(tuple(p for p in params if p is not None), body, True)

    def formal_param(self, name, type_=None):
        return (name.name, type_)

    def for_expr(self, *items):
        *contexts, body = items
        return ast.For(tuple(contexts), body)

    def iteration_context(self, name, source, end=None):
        return (name.name, source, end)

    def if_expr(self, cond, then, other):
        return ast.If(cond, then, other)

    def quantified(self, kind, *items):
        *pairs, cond = items
        contexts = tuple((pairs[i].name, pairs[i + 1]) for i in range(0, len(pairs), 2))
        return ast.Quantified(str(kind), contexts, cond)

    def or_(self, a, b):
        return ast.Or(a, b)

    def and_(self, a, b):
        return ast.And(a, b)

    def compare(self, a, op, b):
        return ast.Comparison(str(op), a, b)

    def between(self, v, lo, hi):
        return ast.Between(v, lo, hi)

    def in_(self, v, test):
        return ast.In(v, (test,))

    def in_list(self, v, tests):
        return ast.In(v, tests)

    def in_items(self, *tests):
        return tuple(tests)

    def instance_of(self, value, type_):
        return ast.InstanceOf(value, type_)

    def type_name(self, qname):
        return ast.TypeNode("name", (qname,))

    def type_generic(self, kind, _lt, inner, _gt):
        return ast.TypeNode(str(kind), (inner,))

    def type_context(self, kind, _lt, *items):
        return ast.TypeNode(str(kind), tuple(items[:-1]))

    def type_function(self, _lt, *items):
        *params, _gt, result = items
        return ast.TypeNode("function", (tuple(p for p in params if p is not None), result))

    def type_field(self, name, type_):
        return (name.name, type_)

    def qualified_name(self, *names):
        return ".".join(n.name for n in names)

    def arith(self, a, op, b):
        return ast.Arithmetic(str(op), a, b)

    def neg(self, _minus, operand):
        if isinstance(operand, ast.Literal) and isinstance(operand.value, Decimal):
            return ast.Literal(-operand.value)
        return ast.Negation(operand)

    def path(self, source, name):
        return ast.Path(source, name.name)

    def filter(self, source, cond):
        return ast.Filter(source, cond)

    def invoke(self, callee, args=None):
        if args is None:
            return ast.Invocation(callee, (), None)
        kind, items = args
        if kind == "named":
            return ast.Invocation(callee, (), items)
        return ast.Invocation(callee, items, None)

    def positional(self, *items):
        return ("positional", tuple(items))

    def named(self, *items):
        return ("named", tuple(items))

    def named_arg(self, name, value):
        return (name.name, value)

    def var(self, name):
        return name

    def number(self, t):
        return ast.Literal(Decimal(str(t)))

    def string(self, t):
        return ast.Literal(str(t))

    def temporal(self, t):
        return ast.TemporalLiteral(str(t))

    def true(self):
        return ast.Literal(True)

    def false(self):
        return ast.Literal(False)

    def null(self):
        return ast.Literal(None)

    def name(self, *tokens):
        return ast.Name(" ".join(str(t) for t in tokens), tokens[0].start_pos)

    def list(self, *items):
        return ast.ListExpr(tuple(i for i in items if i is not None))

    def context(self, *entries):
        return ast.ContextExpr(tuple(e for e in entries if e is not None))

    def context_entry(self, key, value):
        return (key.name if isinstance(key, ast.Name) else str(key), value)

    def closed_start(self, start, end, end_included):
        return ast.RangeExpr(start, end, True, end_included)

    def open_start(self, start, end, end_included):
        return ast.RangeExpr(start, end, False, end_included)

    def closed_end(self):
        return True

    def open_end(self):
        return False


_Builder = v_args(wrapper=_measured)(_Builder)  # type: ignore[misc, assignment]  # lark's decorator returns the class


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files("pydmn.feel").joinpath("feel.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=FeelLexer,
                start=["expression_start", "unary_tests"], transformer=_Builder(),
                maybe_placeholders=True, cache=True)


def _known(text: str, names) -> tuple[_NameIndex, ...]:
    """The indexes of the names the lexer knows in `text`: the caller's (and the built-ins'),
    and the keys with special characters this very text defines."""
    base = _index(frozenset(names) if names else frozenset())
    found = {m.group(1).strip() for m in _KEY.finditer(text)}
    found = {k for k in found if _SPECIAL.search(k)}
    return (base, _NameIndex(found)) if found else (base,)


# What the nesting pre-scan looks at: strings and comments (skipped whole), brackets, commas, and
# the keywords that open a construct whose body nests (`else` closes an `if`).
_SCAN = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/|(?P<open>[(\[{])|(?P<close>[)\]}])'
                   r'|(?P<comma>,)|(?P<kw>\b(?:if|for|some|every|function|else)\b)'
                   r'|(?P<bad>"|/\*)', re.S)


def check_nesting(text: str) -> None:
    """Refuse text nested deeper than MAX_NESTING before the parser sees it, in one linear pass:
    the parser's cost grows with every level, and evaluation recurses once per level.

    Brackets count exactly; constructs are counted from their keyword to the comma or closing
    bracket that ends them at their level (an `if` also ends at its `else`), which can only
    overcount names that contain those words, never miss a construct written in sequence."""
    levels, ifs = [0], [0]          # per open bracket: constructs open in it, `if`s among them
    constructs = 0
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        if kind == "open":
            levels.append(0)
            ifs.append(0)
        elif kind == "close":
            if len(levels) > 1:
                constructs -= levels.pop()
                ifs.pop()
        elif kind == "comma":
            constructs -= levels[-1]
            levels[-1] = ifs[-1] = 0
        elif kind == "kw":
            if m.group() == "else":
                if ifs[-1]:
                    ifs[-1] -= 1
                    levels[-1] -= 1
                    constructs -= 1
            else:
                levels[-1] += 1
                constructs += 1
                if m.group() == "if":
                    ifs[-1] += 1
        else:
            what = "string" if m.group() == '"' else "comment"
            raise FeelSyntaxError(f"unterminated {what}", text[:80], m.start())
        if len(levels) - 1 + constructs > MAX_NESTING:
            raise FeelSyntaxError(f"expression nested deeper than {MAX_NESTING} (brackets and "
                                  f"if/for/some/every/function inside each other)", text[:80],
                                  m.start())


def _parse(text: str, start: str, names) -> ast.Node:
    if len(text) > MAX_TEXT:
        raise FeelSyntaxError(f"expression longer than {MAX_TEXT} characters", text[:80])
    check_nesting(text)
    try:
        tree = _lark().parse(Source(text, _known(text, names)), start=start).value  # type: ignore[attr-defined]  # the transformed node, not a Tree
    except FeelSyntaxError:
        raise
    except UnexpectedInput as exc:
        pos = getattr(exc, "pos_in_stream", None)
        token = getattr(exc, "token", None)
        if isinstance(exc, UnexpectedToken) and token is not None:
            what = "end of text" if token.type == "$END" else repr(str(token))
            raise FeelSyntaxError(f"unexpected {what}", text, pos) from None
        raise FeelSyntaxError("syntax error", text, pos) from None
    except LarkError as exc:
        raise FeelSyntaxError(f"syntax error: {exc}", text) from None
    except RecursionError:
        raise FeelSyntaxError("expression nested too deeply", text[:80]) from None
    return tree


def parse_expression(text: str, names=None) -> ast.Node:
    """Parse one FEEL expression; raises FeelSyntaxError."""
    if not text or not text.strip():
        raise FeelSyntaxError("empty expression", text, 0)
    return _parse(text, "expression_start", names)


_NOT = re.compile(r"\s*not\s*\(", re.S)


def parse_unary_tests(text: str, names: Iterable[str] | None = None) -> ast.UnaryTests | ast.AnyInput:
    """Parse unary tests (decision table input entries, allowed values); raises FeelSyntaxError."""
    stripped = text.strip() if text else ""
    if stripped in ("", "-"):
        return ast.AnyInput()
    m = _NOT.match(text)
    if m and stripped.endswith(")") and _closes_at_end(stripped, stripped.index("(")):
        inner = _parse(stripped[stripped.index("(") + 1:-1], "unary_tests", names)
        return ast.UnaryTests(inner.tests, negated=True)  # type: ignore[attr-defined]  # unary_tests builds UnaryTests
    return _parse(text, "unary_tests", names)  # type: ignore[return-value]  # unary_tests builds UnaryTests


def _closes_at_end(text: str, open_at: int) -> bool:
    """Whether the parenthesis at `open_at` is closed by the last character (`not(a) or b`)."""
    depth, i, n = 0, open_at, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            m = _STRING.match(text, i)
            i = m.end() if m else n
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i == n - 1
        i += 1
    return False
