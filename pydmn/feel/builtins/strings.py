"""String built-ins (DMN 1.5 10.3.4.3).

FEEL strings are sequences of Unicode code points, which is what a Python str already is, so an
astral character counts as one. The regex functions (matches, replace, split) take XML Schema /
XPath regular expressions, translated and matched in xpath_regex.py.
"""
from __future__ import annotations

from decimal import Decimal

from pydmn.feel.budget import charge
from pydmn.feel.builtins.registry import Invalid, builtin
from pydmn.feel.builtins.xpath_regex import MATCH_TIMEOUT, compile_xpath, parse_replacement
from pydmn.feel.values import kind_of

MAX_REGEX_INPUT = 100_000
MAX_PATTERN = 10_000

# --- argument checks -------------------------------------------------------------------------

def _text(value, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} must be a string, not {kind_of(value)}")
    return value


def _integer(value, what: str) -> int:
    # bool is an int in Python but never a FEEL number: only Decimal is accepted
    if not isinstance(value, Decimal) or not value.is_finite():
        raise Invalid(f"{what} must be a number, not {kind_of(value)}")
    return int(value)   # the TCK truncates a fractional position or length


# --- plain string functions ------------------------------------------------------------------

@builtin("substring", "string", "start position", "length")
def substring(string, start_position, length=None):
    s = _text(string, "string")
    start = _integer(start_position, "start position")
    if start == 0:
        raise Invalid("start position 0 is not a position (positions count from 1, or -1 back)")
    # as XPath fn:substring once a negative start is turned into its 1-based position: the
    # part of the window [first, first + length) that lies inside the string
    first = start - 1 if start > 0 else len(s) + start
    if length is None:
        return s[max(first, 0):]
    count = _integer(length, "length")
    if count < 0:
        raise Invalid("length must not be negative")
    return s[max(first, 0):max(first + count, 0)]


@builtin("string length", "string")
def string_length(string):
    return Decimal(len(_text(string, "string")))


@builtin("upper case", "string")
def upper_case(string):
    return _text(string, "string").upper()


@builtin("lower case", "string")
def lower_case(string):
    return _text(string, "string").lower()


@builtin("substring before", "string", "match")
def substring_before(string, match):
    s, m = _text(string, "string"), _text(match, "match")
    at = s.find(m)
    return "" if at < 0 else s[:at]


@builtin("substring after", "string", "match")
def substring_after(string, match):
    s, m = _text(string, "string"), _text(match, "match")
    at = s.find(m)
    return "" if at < 0 else s[at + len(m):]


@builtin("contains", "string", "match")
def contains(string, match):
    return _text(match, "match") in _text(string, "string")


@builtin("starts with", "string", "match")
def starts_with(string, match):
    return _text(string, "string").startswith(_text(match, "match"))


@builtin("ends with", "string", "match")
def ends_with(string, match):
    return _text(string, "string").endswith(_text(match, "match"))


@builtin("string join", "list", "delimiter")
def string_join(list, delimiter=None):  # noqa: A002  (FEEL's parameter name)
    # nulls are skipped (DMN 1.5)
    if list is None:
        raise Invalid("list must be a list of strings, not null")
    if any(item is not None and not isinstance(item, str) for item in list):
        raise Invalid("list must contain only strings")
    sep = "" if delimiter is None else _text(delimiter, "delimiter")
    charge(sum(len(item) + len(sep) for item in list if item is not None))    # before it is built
    return sep.join(item for item in list if item is not None)


# --- regex functions -------------------------------------------------------------------------

@builtin("matches", "input", "pattern", "flags")
def matches(input, pattern, flags=None):  # noqa: A002
    return _timed(lambda: _compile(pattern, flags).search(_regex_input(input),
                                                          timeout=MATCH_TIMEOUT) is not None)


@builtin("replace", "input", "pattern", "replacement", "flags")
def replace(input, pattern, replacement, flags=None):  # noqa: A002
    text = _regex_input(input)
    regex = _compile(pattern, flags)
    template = _text(replacement, "replacement")
    if regex.search("") is not None:
        raise Invalid(f"pattern {pattern!r} matches the empty string")
    if "q" in (flags or ""):
        return _timed(lambda: regex.sub(lambda m: template, text, timeout=MATCH_TIMEOUT))
    parts = parse_replacement(template, regex.groups)
    return _timed(lambda: regex.sub(
        lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts), text,
        timeout=MATCH_TIMEOUT))


@builtin("split", "string", "delimiter")
def split(string, delimiter):
    text = _regex_input(string)
    regex = _compile(delimiter, None)
    if regex.search("") is not None:
        raise Invalid(f"delimiter {delimiter!r} matches the empty string")
    # regex.split would also return the delimiter's groups; XPath tokenize() does not
    pieces, at = [], 0
    for m in _timed(lambda: list(regex.finditer(text, timeout=MATCH_TIMEOUT))):
        pieces.append(text[at:m.start()])
        at = m.end()
    pieces.append(text[at:])
    return pieces


def _timed(match):
    try:
        return match()
    except TimeoutError:
        raise Invalid(f"pattern matching took longer than {MATCH_TIMEOUT} s") from None


def _regex_input(value) -> str:
    text = _text(value, "input")
    if len(text) > MAX_REGEX_INPUT:
        raise Invalid(f"input longer than {MAX_REGEX_INPUT} characters")
    return text


def _compile(pattern, flags):
    pattern = _text(pattern, "pattern")
    flags = "" if flags is None else _text(flags, "flags")
    if len(pattern) > MAX_PATTERN:
        raise Invalid(f"pattern longer than {MAX_PATTERN} characters")
    return compile_xpath(pattern, flags)
