"""Lists, contexts, filters, paths (DMN 1.5 10.3.2.5, 10.3.2.6, rules 40, 52, 56, 59-61)."""
from decimal import Decimal

import pytest

from pydmn.feel import evaluate

D = Decimal
PEOPLE = [{"name": "Ann", "age": 30}, {"name": "Bob", "age": 17}, {"name": "Cy", "age": 45}]

CASES = [
    ("[]", []),
    ("[[]]", [[]]),
    ("[1, 2, 3]", [D(1), D(2), D(3)]),
    ("[1, [2, 3]]", [D(1), [D(2), D(3)]]),
    ("{}", {}),
    ("{a: 1, b: a + 1}", {"a": D(1), "b": D(2)}),
    ('{"a b": 1, "c": 2}', {"a b": D(1), "c": D(2)}),
    ("{a: {b: 2}}.a.b", D(2)),
    ("{a: 1}.b", None),
    ("[1, 2, 3][item > 1]", [D(2), D(3)]),
    ("[1, 2, 3][item > 5]", []),
    ("[1, 2, 3][1]", D(1)),
    ("[1, 2, 3][-1]", D(3)),
    ("[1, 2, 3][4]", None),
    ("[1, 2, 3][0]", None),
    ("[][1]", None),
    ("[][item > 1]", []),
    ("5[item > 1]", [D(5)]),
    ("5[1]", D(5)),
    ("[1, 2, 3][item > 1][1]", D(2)),
    ("[{a: 1}, {a: 2}].a", [D(1), D(2)]),
    ("[{a: 1}, {a: 2}][a > 1]", [{"a": D(2)}]),
    ("[{a: 1}, {a: 2}][item.a = 1].a", [D(1)]),
    ("people[age >= 18].name", ["Ann", "Cy"]),
    ("people[1].name", "Ann"),
    ("people.age", [D(30), D(17), D(45)]),
    ("people[name = \"Bob\"].age[1]", D(17)),
    ("[1, null, 3][item = null]", [None]),
    ("null[1]", None),
    ("[1..5].start", D(1)),
    ("[1..5).end included", False),
    ("]1..5].start included", False),
    ("(<10).end", D(10)),
    ("(<10).start", None),
    ("[{item: 1}, {item: 2}, {item: 3}][item >= 2]", [{"item": D(2)}, {"item": D(3)}]),
    ("(null..10]", None),
    ("(< 10) = (null..10)", False),
    ("(>=10).start included", True),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_collections(text, expected):
    assert evaluate(text, {"people": PEOPLE}) == expected


def test_duplicate_context_key_is_a_syntax_error():
    from pydmn.errors import FeelSyntaxError
    with pytest.raises(FeelSyntaxError):
        evaluate("{a: 1, a: 2}")
