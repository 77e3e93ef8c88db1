"""String built-ins (DMN 1.5 10.3.4.3) through the public FEEL API, XPath regexes included."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate
from pydmn.feel.builtins import strings

D = Decimal

VALID = [
    ('substring("foobar", 3)', "obar"),
    ('substring("foobar", 3, 3)', "oba"),
    ('substring("foobar", -2, 1)', "a"),
    ('substring("foobar", -6, 6)', "foobar"),
    ('substring("foobar", -10, 2)', ""),      # the window ends before the string starts
    ('substring("foobar", -8, 4)', "fo"),
    ('substring("foobar", -10)', "foobar"),
    ('substring("foobar", 3, 3.8)', "oba"),
    ('substring("foobar", 10)', ""),
    ('substring(string: "foobar", start position: 3)', "obar"),
    ('substring("\U0001F40Efoo", 2)', "foo"),
    ('string length("")', D(0)),
    ('string length("abc")', D(3)),
    ('string length("🐎😀")', D(2)),
    ('upper case("aBc4")', "ABC4"),
    ('lower case("aBc4")', "abc4"),
    ('substring before("foobar", "bar")', "foo"),
    ('substring before("foobar", "x")', ""),
    ('substring before("abc", "")', ""),
    ('substring after("foobar", "ob")', "ar"),
    ('substring after("foobar", "x")', ""),
    ('substring after("abc", "")', "abc"),
    ('contains("foobar", "of")', False),
    ('contains("foobar", "ob")', True),
    ('contains("", "")', True),
    ('starts with("foobar", "fo")', True),
    ('starts with("foobar", "bar")', False),
    ('ends with("foobar", "r")', True),
    ('ends with("foobar", "o")', False),
    ('string join(["a", "b", "c"])', "abc"),
    ('string join(["a", "b", "c"], ", ")', "a, b, c"),
    ('string join(["a", null, "c"], "X")', "aXc"),
    ('string join(["a", "b"], null)', "ab"),
    ('string join([], "X")', ""),
    ('string join("a", "X")', "a"),
    ('string join(delimiter: "X", list: ["a", "c"])', "aXc"),
]

REGEX = [
    ('matches("foobar", "^fo*b")', True),
    ('matches("foobar", "^b")', False),
    ('matches("abc", "ABC", "i")', True),
    ('matches("x[y-z]", "x[y-z]", "q")', True),
    ('matches("x[Y-z]", "X[y-Z]", "qi")', True),
    ('matches("O", "[A-Z-[OI]]", "i")', False),
    ('matches("x", "[A-Z-[OI]]", "i")', True),
    ('matches("q", "[^Q]", "i")', False),
    ('matches("hello world", "hello\\ sworld", "x")', True),
    ('matches("hello world", "hello[ ]world", "x")', True),
    ('matches("hello world", "\\p{ IsBasicLatin}+", "x")', True),
    ('matches("é", "^\\p{Ll}$")', True),
    ('matches("é", "^\\p{Lu}$")', False),
    ('matches("A", "^\\P{Ll}$")', True),
    ('matches("_", "\\w")', False),          # XSD \w excludes punctuation, unlike Python's
    ('matches("+", "^\\w$")', True),         # ... and includes symbols
    ('matches("\u00a0", "\\s")', False),     # XSD \s is only space, tab, CR, LF
    ('matches("a:b", "^\\i\\c*$")', True),
    ('matches("a\nb", "a$")', False),        # XSD $ is the very end, not before a final newline
    ('matches("a\nb", "a$", "m")', True),
    ('matches("a\nb", "a.b")', False),       # . excludes newlines unless flag s
    ('matches("a\nb", "a.b", "s")', True),
    ('matches("abab", "^(ab)\\1$")', True),
    ('matches("a", "(?:a)")', True),
    ('matches("a1", "[0-9-.a]+")', True),
    ('replace("abracadabra", "bra", "*")', "a*cada*"),
    ('replace("abracadabra", "a(.)", "a$1$1")', "abbraccaddabbra"),
    ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
    ('replace("facetiously", "[iouy]", "[$0]")', "facet[i][o][u]sl[y]"),
    ('replace("abc", "b", "$1")', "ac"),     # no such group: the empty string
    ('replace("abc", "[A-Z]", "#", "i")', "###"),
    ('replace("a.b", ".", "$", "q")', "a$b"),
    ('split("John Doe", "\\s")', ["John", "Doe"]),
    ('split("a;b;c;;", ";")', ["a", "b", "c", "", ""]),
    ('split("a1b22c", "(\\d)+")', ["a", "b", "c"]),   # groups are not returned, unlike re.split
    ('split(delimiter: ",", string: "foo,bar")', ["foo", "bar"]),
]

INVALID = [
    'substring("foobar", 0)',
    'substring("foobar", 1, -1)',
    'substring(123, 1)',
    'substring("foobar", "1")',
    'substring("foobar", true)',
    'string length(null)',
    'string length(123)',
    'upper case(true)',
    'lower case(null)',
    'substring before(null, "a")',
    'substring after("a", 1)',
    'contains("bar", null)',
    'starts with(null, "a")',
    'ends with(1, "a")',
    'string join(null)',
    'string join([1, 2], "X")',
    'string join(123, "X")',
    'string join(["a"], "X", "foo")',
    'string join(lst: ["a"], delimiter: "X")',
    'matches(null, "a")',
    'matches("a", null)',
    'matches("a", "a", "p")',
    'matches("a", "a", " ")',
    'matches("a", "(")',
    'matches("a", "a**")',
    'matches("a", "a*+")',
    'matches("a", "(?i)a")',
    'matches("a", "\\b")',
    'matches("h", "(.)\\2")',
    'matches("h", "\\1(.)")',
    'matches("abcd", "(asd)[\\1]")',
    'matches("abcd", "1[asd\\0]")',
    'matches("a", "[]")',
    'matches("a", "[z-a]")',
    'matches("a", "a{2,1}")',
    'matches("a", "\\p{Xx}")',
    'matches("a", "\\p{ IsBasicLatin}")',
    'matches("a", "a]")',
    'replace("abc", "b*", "x")',              # a pattern matching "" is an error in XPath
    'replace("abc", "b", "$")',
    'replace("abc", "b", "\\\\x")',
    'replace(null, "b", "x")',
    'split("foo", null)',
    'split(null, ",")',
    'split("foo", "x*")',
    'split(delimiter: ",", str: "foo,bar")',
]


@pytest.mark.parametrize("text, expected", VALID + REGEX)
def test_value(text, expected):
    result = evaluate(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize("text", INVALID)
def test_invalid_is_null_with_message(text, assert_invalid):
    assert_invalid(text)


def test_replacement_escapes_dollar_and_backslash():
    assert evaluate('replace(s, "b", r)', {"s": "abc", "r": "\\$\\\\"}) == "a$\\c"


def test_backreference_takes_the_longest_existing_group_number():
    pattern = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10"
    assert evaluate("matches(s, p)", {"s": "abcdefghijj", "p": pattern}) is True
    assert evaluate("matches(s, p)", {"s": "abb0", "p": "(a)(b)\\20"}) is True


def test_regex_input_is_capped():
    text = "a" * (strings.MAX_REGEX_INPUT + 1)
    assert evaluate('matches(s, "a")', {"s": text}) is None
    assert evaluate('contains(s, "a")', {"s": text}) is True   # plain functions are not capped
