"""XML Schema / XPath regular expressions (XPath 3.1 F&O 5.6) for matches, replace and split.

`compile_xpath` translates a pattern into the `regex` module's syntax, rejecting what XPath
rejects so that an invalid pattern yields null rather than a Python reading. Matching runs under
a time limit (`regex` supports one, Python's `re` does not): a pattern that backtracks without end
is an invalid call, not a hung evaluation.
"""
from __future__ import annotations

import re
from typing import Callable, NoReturn
import unicodedata
from functools import lru_cache

import regex

from pydmn.feel.builtins.registry import Invalid

MATCH_TIMEOUT = 1.0     # seconds one matches/replace/split may spend matching

_FLAGS = set("smixq")
_XSD_SPACE = " \t\n\r"
_MAX_CODE = 0x10FFFF


def compile_xpath(pattern: str, flags: str) -> "regex.Pattern":
    return _compile_cached(pattern, flags)


@lru_cache(maxsize=512)
def _compile_cached(pattern: str, flags: str) -> "regex.Pattern":
    bad = set(flags) - _FLAGS
    if bad:
        raise Invalid(f"invalid regex flag(s) {''.join(sorted(bad))!r}")
    py_flags = (regex.IGNORECASE if "i" in flags else 0) | (regex.MULTILINE if "m" in flags else 0)
    if "q" in flags:
        source = "".join(map(re.escape, pattern))
    else:
        if "x" in flags:
            pattern = _strip_whitespace(pattern)
        source = _XsdRegex(pattern, dot_all="s" in flags, multiline="m" in flags).translate()
    try:
        return regex.compile(source, py_flags)
    except regex.error as exc:
        raise Invalid(f"invalid pattern {pattern!r}: {exc}") from None


def _strip_whitespace(pattern: str) -> str:
    """Flag x: whitespace goes, except inside character classes (XPath 3.0 and later)."""
    out, depth, i = [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = i + 1
            if depth == 0:   # `\ s` means `\s` once the blank is gone
                while nxt < len(pattern) and pattern[nxt] in _XSD_SPACE:
                    nxt += 1
            out.append(pattern[i:nxt + 1] if depth else "\\" + pattern[nxt:nxt + 1])
            i = nxt + 1
            continue
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        if depth or c not in _XSD_SPACE:
            out.append(c)
        i += 1
    return "".join(out)


def _group_number(text: str, at: int, groups: int) -> tuple[int, int]:
    """The group number whose digits start at `at`, and where it ends: the first digit always
    counts, later ones only while the number still names one of `groups` (XPath's rule)."""
    n, end = int(text[at]), at + 1
    while text[end:end + 1].isdigit() and n * 10 + int(text[end]) <= groups:
        n, end = n * 10 + int(text[end]), end + 1
    return n, end


def parse_replacement(template: str, groups: int) -> list[str | int]:
    """`$N` is group N (the longest digit run naming an existing group), `\\$` and `\\\\` are
    literal; any other `$` or `\\` is an error (XPath fn:replace)."""
    parts: list[str | int] = []     # literal text, and group numbers
    i = 0
    while i < len(template):
        c = template[i]
        if c == "\\":
            if template[i + 1:i + 2] not in ("\\", "$"):
                raise Invalid("a \\ in the replacement must escape \\ or $")
            parts.append(template[i + 1])
            i += 2
        elif c == "$":
            if not template[i + 1:i + 2].isdigit():
                raise Invalid("a $ in the replacement must be followed by a group number")
            n, i = _group_number(template, i + 1, groups)
            parts.append(n if n <= groups else "")
        else:
            parts.append(c)
            i += 1
    return parts


class _XsdRegex:
    """Translate one XSD/XPath regex (flag x already applied) into Python `re` syntax.

    Everything literal is re-escaped, so no Python-only construct can leak through; what XPath
    forbids (unknown escapes, `(?` other than `(?:`, back-references to groups not yet closed,
    back-references in classes) raises Invalid.
    """

    def __init__(self, pattern: str, dot_all: bool, multiline: bool):
        self.p = pattern
        self.i = 0
        self.dot = "(?s:.)" if dot_all else "[^\\n\\r]"
        self.dollar = "$" if multiline else "\\Z"   # Python's bare $ also matches before a final \n
        self.closed = 0          # capturing groups closed so far: back-references may use these
        self.open: list[bool] = []   # per open group: whether it captures

    def error(self, why: str) -> NoReturn:
        raise Invalid(f"invalid pattern {self.p!r}: {why}")

    def peek(self, k: int = 0) -> str:
        return self.p[self.i + k:self.i + k + 1]

    def translate(self) -> str:
        out, last = [], "none"   # last: what the previous token was, to validate quantifiers
        while self.i < len(self.p):
            token, last = self.token(last)
            out.append(token)
        if self.open:
            self.error("unclosed group")
        return "".join(out)

    def token(self, last: str) -> tuple[str, str]:
        c = self.peek()
        self.i += 1
        if c in "*+?{":
            return self.quantifier(c, last)
        if c == "(":
            return self.open_group(), "none"
        if c == ")":
            if not self.open:
                self.error("unbalanced )")
            if self.open.pop():
                self.closed += 1
            return ")", "atom"
        if c == "|":
            return "|", "none"
        if c == ".":
            return self.dot, "atom"
        if c == "^":
            return "^", "anchor"
        if c == "$":
            return self.dollar, "anchor"
        if c == "[":
            return self.char_class(), "atom"
        if c in "]}":
            self.error(f"unescaped {c}")
        if c == "\\":
            return self.escape(), "atom"
        return re.escape(c), "atom"

    def quantifier(self, c: str, last: str) -> tuple[str, str]:
        if c == "?" and last == "quantifier":
            return "?", "lazy"
        if last != "atom":
            self.error(f"quantifier {c} has nothing to repeat")
        if c != "{":
            return c, "quantifier"
        m = re.compile(r"(\d+)(,(\d*))?\}").match(self.p, self.i)
        if m is None:
            self.error("malformed {n,m} quantifier")
        if m.group(3) and int(m.group(3)) < int(m.group(1)):
            self.error("quantifier {n,m} with m < n")
        self.i = m.end()
        return "{" + m.group(0), "quantifier"

    def open_group(self) -> str:
        if self.peek() == "?":
            if self.peek(1) != ":":
                self.error("only (?: ) groups are allowed")
            self.i += 2
            self.open.append(False)
            return "(?:"
        self.open.append(True)
        return "("

    def escape(self) -> str:
        c = self.peek()
        if c.isdigit():
            return self.back_reference()
        return _class_source(self.class_escape())

    def back_reference(self) -> str:
        n, self.i = _group_number(self.p, self.i, self.closed)
        if n == 0 or n > self.closed:
            self.error(f"back-reference \\{n} to a group not yet closed")
        return f"(?:\\{n})"   # the group keeps a following digit from joining the number

    def class_escape(self) -> "_Set":
        """After a backslash: a single-character escape or a class escape, as a set."""
        c = self.peek()
        self.i += 1
        if c == "":
            self.error("trailing backslash")
        if c in _SINGLE_ESCAPES:
            return _Set.char(_SINGLE_ESCAPES[c])
        if c in "pP":
            return self.property(negated=c == "P")
        if c in _MULTI_ESCAPES:
            return _MULTI_ESCAPES[c]()
        self.error(f"unknown escape \\{c}")

    def property(self, negated: bool) -> "_Set":
        m = re.compile(r"\{([^}]*)\}").match(self.p, self.i)
        if m is None:
            self.error("\\p needs {name}")
        self.i = m.end()
        found = _property_set(m.group(1))
        if found is None:
            self.error(f"unknown property \\p{{{m.group(1)}}}")
        return found.negate() if negated else found

    # character classes: [group], [^group], [group-[subtracted]]

    def char_class(self) -> str:
        negated = self.peek() == "^" and self.peek(1) != "]"
        if negated:
            self.i += 1
        items = self.class_items()
        body = f"[{'^' if negated else ''}{items}]"
        if self.peek() == "-" and self.peek(1) == "[":
            self.i += 2
            subtracted = self.char_class()
            body = f"(?:(?!{subtracted}){body})"
        if self.peek() != "]":
            self.error("unclosed character class")
        self.i += 1
        return body

    def class_items(self) -> str:
        out: list[str] = []
        while True:
            c = self.peek()
            if c == "" or c == "]" and out:
                break
            if c == "-" and self.peek(1) == "[" and out:
                break
            if c == "[" or c == "]":
                self.error(f"unescaped {c} in a character class")
            out.append(self.class_item(first=not out))
        if not out:
            self.error("empty character class")
        return "".join(out)

    def class_item(self, first: bool) -> str:
        start = self.class_char()
        if isinstance(start, _Set):
            return start.source()
        if self.peek() == "-" and self.peek(1) not in ("]", "[", ""):
            self.i += 1
            end = self.class_char()
            if isinstance(end, _Set):
                self.error("a range cannot end in a class escape")
            if ord(end) < ord(start):
                self.error(f"range {start}-{end} is out of order")
            return f"{re.escape(start)}-{re.escape(end)}"
        return re.escape(start)

    def class_char(self):
        """One character of a class (a str) or a class escape (a _Set)."""
        c = self.peek()
        self.i += 1
        if c != "\\":
            return c
        if self.peek().isdigit():
            self.error("back-references are not allowed in a character class")
        found = self.class_escape()
        return found.single() or found


class _Set:
    """A set of code points as sorted, disjoint (lo, hi) ranges: what class escapes denote."""

    def __init__(self, ranges):
        self.ranges = tuple(ranges)

    @staticmethod
    def char(c: str) -> "_Set":
        return _Set([(ord(c), ord(c))])

    @staticmethod
    def of(text: str) -> "_Set":
        return _Set.union(*(_Set.char(c) for c in text))

    @staticmethod
    def union(*sets: "_Set") -> "_Set":
        merged: list[list[int]] = []
        for lo, hi in sorted(r for s in sets for r in s.ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return _Set(map(tuple, merged))

    def negate(self) -> "_Set":
        out, at = [], 0
        for lo, hi in self.ranges:
            if lo > at:
                out.append((at, lo - 1))
            at = hi + 1
        if at <= _MAX_CODE:
            out.append((at, _MAX_CODE))
        return _Set(out)

    def single(self) -> str | None:
        if len(self.ranges) == 1 and self.ranges[0][0] == self.ranges[0][1]:
            return chr(self.ranges[0][0])
        return None

    def source(self) -> str:
        """The ranges as the inside of a Python character class."""
        return "".join(re.escape(chr(lo)) + ("" if lo == hi else "-" + re.escape(chr(hi)))
                       for lo, hi in self.ranges)


def _class_source(found: _Set) -> str:
    one = found.single()
    return re.escape(one) if one is not None else f"[{found.source()}]"


_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", **{c: c for c in "\\|.-^?*+{}()[]$"}}

# XML 1.0 (5th edition) NameStartChar, for \i; NameChar adds these for \c.
_NAME_START = ((ord(":"), ord(":")), (ord("A"), ord("Z")), (ord("_"), ord("_")),
               (ord("a"), ord("z")), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D),
               (0x37F, 0x1FFF), (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF),
               (0x3001, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF))
_NAME_EXTRA = ((ord("-"), ord("-")), (ord("."), ord(".")), (ord("0"), ord("9")), (0xB7, 0xB7),
               (0x300, 0x36F), (0x203F, 0x2040))


def _name_start() -> _Set:
    return _Set(_NAME_START)


def _name_char() -> _Set:
    return _Set.union(_Set(_NAME_START), _Set(_NAME_EXTRA))


def _word() -> _Set:
    # XSD \w: everything but punctuation, separators and "other" (so _ is not a word character)
    return _Set.union(_category("P"), _category("Z"), _category("C")).negate()



_CATEGORIES = {"L": "u l t m o", "M": "n c e", "N": "d l o", "P": "c d s e i f o",
               "Z": "s l p", "S": "m c k o", "C": "c f o n"}

# A few Unicode blocks for \p{IsX}; names as XSD spells them (spaces dropped).
_BLOCKS = {
    "BasicLatin": (0x0000, 0x007F), "Latin-1Supplement": (0x0080, 0x00FF),
    "LatinExtended-A": (0x0100, 0x017F), "LatinExtended-B": (0x0180, 0x024F),
    "IPAExtensions": (0x0250, 0x02AF), "SpacingModifierLetters": (0x02B0, 0x02FF),
    "CombiningDiacriticalMarks": (0x0300, 0x036F), "Greek": (0x0370, 0x03FF),
    "GreekandCoptic": (0x0370, 0x03FF), "Cyrillic": (0x0400, 0x04FF),
    "Armenian": (0x0530, 0x058F), "Hebrew": (0x0590, 0x05FF), "Arabic": (0x0600, 0x06FF),
    "Devanagari": (0x0900, 0x097F), "Thai": (0x0E00, 0x0E7F),
    "LatinExtendedAdditional": (0x1E00, 0x1EFF), "GreekExtended": (0x1F00, 0x1FFF),
    "GeneralPunctuation": (0x2000, 0x206F), "CurrencySymbols": (0x20A0, 0x20CF),
    "LetterlikeSymbols": (0x2100, 0x214F), "Arrows": (0x2190, 0x21FF),
    "MathematicalOperators": (0x2200, 0x22FF), "BoxDrawing": (0x2500, 0x257F),
    "CJKSymbolsandPunctuation": (0x3000, 0x303F), "Hiragana": (0x3040, 0x309F),
    "Katakana": (0x30A0, 0x30FF), "CJKUnifiedIdeographs": (0x4E00, 0x9FFF),
    "HangulSyllables": (0xAC00, 0xD7AF), "PrivateUseArea": (0xE000, 0xF8FF),
    "AlphabeticPresentationForms": (0xFB00, 0xFB4F), "HalfwidthandFullwidthForms": (0xFF00, 0xFFEF),
    "Specials": (0xFFF0, 0xFFFF), "Emoticons": (0x1F600, 0x1F64F),
}


def _property_set(name: str) -> _Set | None:
    if name.startswith("Is"):
        block = _BLOCKS.get(name[2:])
        return None if block is None else _Set([block])
    if name in _CATEGORIES or (len(name) == 2 and name[1] in _CATEGORIES.get(name[0], "")):
        return _category(name)
    return None


@lru_cache(maxsize=None)
def _category(name: str) -> _Set:
    if len(name) == 1:
        return _Set.union(*(_category(name + sub) for sub in _CATEGORIES[name].split()))
    return _Set(_category_table().get(name, ()))


@lru_cache(maxsize=1)
def _category_table() -> dict[str, list[tuple[int, int]]]:
    """Every general category as code point ranges: one pass over Unicode, done once."""
    table: dict[str, list[tuple[int, int]]] = {}
    start = 0
    current = unicodedata.category("\0")
    for code in range(1, _MAX_CODE + 2):
        cat = unicodedata.category(chr(code)) if code <= _MAX_CODE else ""   # "": past the last
        if cat != current:
            table.setdefault(current, []).append((start, code - 1))
            start, current = code, cat
    return table


_MULTI_ESCAPES: dict[str, Callable[[], _Set]] = {
    "s": lambda: _Set.of(_XSD_SPACE), "S": lambda: _Set.of(_XSD_SPACE).negate(),
    "d": lambda: _category("Nd"), "D": lambda: _category("Nd").negate(),
    "w": _word, "W": lambda: _word().negate(),
    "i": _name_start, "I": lambda: _name_start().negate(),
    "c": _name_char, "C": lambda: _name_char().negate(),
}
