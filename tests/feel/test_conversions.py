"""DMN 1.5 10.3.2.9.4's implicit conversions, and the zone offsets with seconds of every temporal
text form; FEEL text on both sides."""
import pytest

from pydmn.feel import evaluate


# A parameter of a list type takes an item as the singleton list of it.
TO_SINGLETON_LIST = [
    ('count(5)', '1'),
    ('context({key: "a", value: 1})', '{a: 1}'),
    ('context(entries: {key: "a", value: 1})', '{a: 1}'),
    ('context merge({a: 1})', '{a: 1}'),
    ('context put({}, "a", 1)', 'context put({}, ["a"], 1)'),
    ('string join("a")', '"a"'),
    ('string join("a", ", ")', '"a"'),
    ('flatten(1)', '[1]'),
    ('reverse(1)', '[1]'),
    ('distinct values(1)', '[1]'),
    ('concatenate(1, [2])', '[1, 2]'),
    ('union([1], 2)', '[1, 2]'),
    ('append(1, 2)', '[1, 2]'),
    ('list contains(1, 1)', 'true'),
    ('sublist(5, 1)', '[5]'),
    ('index of(1, 1)', '[1]'),
    ('insert before(1, 1, 0)', '[0, 1]'),
    ('remove(1, 1)', '[]'),
    ('list replace(1, 1, 2)', '[2]'),
    ('sort(3)', '[3]'),
    ('min(3)', '3'),
    ('all(true)', 'true'),
    ('(function(x: list<number>) count(x))(5)', '1'),
]

# A parameter of a single type takes a singleton list as its item.
FROM_SINGLETON_LIST = [
    ('get value([{a: 1}], "a")', '1'),
    ('get value({a: 1}, ["a"])', '1'),
    ('get entries([{a: 1}])', '[{key: "a", value: 1}]'),
    ('context put([{a: 1}], "b", 2)', '{a: 1, b: 2}'),
    ('context put(context: [{a: 1}], key: ["b"], value: 2)', '{a: 1, b: 2}'),
    ('string length(["abc"])', '3'),
    ('upper case(["a"])', '"A"'),
    ('substring(["abc"], [2])', '"bc"'),
    ('abs([-1])', '1'),
    ('decimal([1.25], [1])', '1.2'),
    ('date(["2024-01-01"])', 'date("2024-01-01")'),
    ('date([2024], [1], [1])', 'date("2024-01-01")'),
    ('number(["1,000"], [","], null)', '1000'),
    ('not([true])', 'false'),
    ('before([1], 2)', 'true'),
    ('(function(x: number) x + 1)([5])', '6'),
]

# A parameter of type date and time takes a date as its midnight UTC.
FROM_DATE = [
    ('(function(d: date and time) d)(date("2000-01-02"))',
     'date and time("2000-01-02T00:00:00Z")'),
    ('(function(ds: list<date and time>) ds)(date("2000-01-02"))',
     '[date and time("2000-01-02T00:00:00Z")]'),
]

# Parameters of type Any keep what they are given; `instance of` converts nothing.
NOT_CONVERTED = [
    ('string([1])', '"[1]"'),
    ('index of([[1], 1], [1])', '[1]'),
    ('list contains([[1]], [1])', 'true'),
    ('is([1], 1)', 'false'),
    ('[5] instance of number', 'false'),
    ('5 instance of list<number>', 'false'),
    ('date("2000-01-02") instance of date and time', 'false'),
]


@pytest.mark.parametrize("text, expected", TO_SINGLETON_LIST + FROM_SINGLETON_LIST + FROM_DATE
                         + NOT_CONVERTED)
def test_conversion(text, expected, run):
    value, messages = run(text)
    assert value == evaluate(expected) and value is not None
    assert messages == []


@pytest.mark.parametrize("text", [
    'string length(["a", "b"])',            # only a singleton list is its item
    'abs([[1]])',                           # once: [[1]] is not a number
    '(function(x: number) x)([1, 2])',
    '(function(x: number) x)("a")',
    'get entries([{a: 1}, {b: 2}])',
])
def test_no_conversion_makes_these_conform(text, run):
    value, messages = run(text)
    assert value is None and messages and messages[0].kind in ("invalid-argument",
                                                                "type-mismatch")


# Zone offsets may have seconds (`+05:00:01`), in every text form and in string().
OFFSETS_WITH_SECONDS = [
    ('string(time("10:30:00+05:00:01"))', '"10:30:00+05:00:01"'),
    ('string(time("10:30:00.0001-05:00:01"))', '"10:30:00.0001-05:00:01"'),
    ('string(time("10:30:00.123456789+05:00:01"))', '"10:30:00.123456789+05:00:01"'),
    ('string(date and time("2018-12-10T10:30:00.0001+05:00:01"))',
     '"2018-12-10T10:30:00.0001+05:00:01"'),
    ('string(date and time("-2018-12-10T10:30:00+05:00:01"))',
     '"-2018-12-10T10:30:00+05:00:01"'),
    ('string(@"10:30:00-05:00:59")', '"10:30:00-05:00:59"'),
    ('string(@"2018-12-10T10:30:00+14:00:00")', '"2018-12-10T10:30:00+14:00"'),
    ('string(time(10, 30, 0, duration("PT5H1S")))', '"10:30:00+05:00:01"'),
    ('string(time(10, 30, 0, duration("-PT5H1S")))', '"10:30:00-05:00:01"'),
    ('time("10:30:00+05:00:01").time offset', 'duration("PT5H1S")'),
    ('date and time("2018-12-10T10:30:00+05:00:01").time offset', 'duration("PT5H1S")'),
    ('time("10:30:00+05:00:01") = time("05:29:59Z")', 'true'),
    ('string(date and time(date("2018-12-10"), time("10:30:00+05:00:01")))',
     '"2018-12-10T10:30:00+05:00:01"'),
]


@pytest.mark.parametrize("text, expected", OFFSETS_WITH_SECONDS)
def test_offsets_with_seconds(text, expected, run):
    value, messages = run(text)
    assert value == evaluate(expected) and messages == []


@pytest.mark.parametrize("text", ['time("10:30:00+05:00:60")', 'time("10:30:00+05:60:00")',
                                  'time("10:30:00+14:00:01")', 'time("10:30:00+05:00:1")',
                                  'date and time("2018-12-10T10:30:00+05:00:")'])
def test_offsets_out_of_range_or_malformed(text, assert_invalid):
    assert_invalid(text, "is not a valid")


# DMN 1.5 10.3.4.1: date(from), time(from), date and time(from) and duration(from) take the lexical forms
# of XML Schema Part 2, and number(from) FEEL's own number syntax; both spell digits 0-9. A date in
# Arabic-Indic digits is no date (a request once passed as 2026-05-01 through Python's \d).
@pytest.mark.parametrize("text", ['date("٢٠٢٦-٠٥-٠١")', 'time("١٠:٠٠:٠٠")', 'date and time("٢٠٢٦-05-01T10:00:00")',
                                  'duration("P١D")', 'number("١٢")'])
def test_only_ascii_digits_make_numbers_and_temporals(text, run):
    assert run(text)[0] is None
