"""Every FEEL evaluation has a budget (pydmn.feel.budget): work that grows with its data is
charged, and past the budget the expression is null with one `limit` message naming it. The
budgets here are small, so an unbounded expression ends at once; no elapsed time is asserted."""
import time
from decimal import Decimal

import pytest

import pydmn
from pydmn.feel import Budget, Scope, compile_expression, compile_unary_tests, evaluate, unary_test

SMALL = Budget(steps=100_000, seconds=None)
STEPS_TEXT = "evaluation budget exceeded: more than 100,000 steps"

UNBOUNDED = {
    "nested for": "count(for i in 1..1000, j in 1..1000, k in 1..1000 return i)",
    "string doubling": '{d: function(s, n) if n = 0 then s else d(s + s, n - 1), r: string length(d("x", 64))}.r',
    "recursive function": "{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1), r: f(150)}.r",
    "list growth": "{g: function(l, n) if n = 0 then count(l) else g(concatenate(l, l), n - 1), r: g([1], 64)}.r",
    "quadratic distinct values": "count(distinct values(for i in 1..5000 return i))",
    "list equality in a loop": "{l: for i in 1..1000 return i, r: count(for i in 1..1000 return l = l)}.r",
    "partial copies": "(for i in 1..20000 return partial[1])[1]",
    "nested some": "{l: for i in 1..1000 return i, r: some i in l, j in l, k in l satisfies i < 0}.r",
    "nested filter": "count((for i in 1..1000 return for j in 1..1000 return j)[count(item[item > 0]) > 0])",
    "membership in a loop": "{l: for i in 1..1000 return i, r: count(for i in 1..1000 return i in l)}.r",
    "path over a list in a loop": "{l: for i in 1..1000 return {a: i}, r: count(for i in 1..1000 return l.a)}.r",
    "typed parameters": "{f: function(x: list<number>) 1, l: for i in 1..1000 return i, "
                        "r: (for i in 1..1000 return f(l))[1]}.r",
    "list arguments in a loop": "{l: for i in 1..1000 return i, r: count(for i in 1..1000 return index of(l, -1))}.r",
    "filters in a loop": "{l: for i in 1..1000 return i, r: (for i in 1..1000 return l[item < 0])[1]}.r",
    "built-in results": '{s: string join(for i in 1..1000 return "abcdefghij"), '
                        'r: count(for i in 1..1000 return string length(substring(s, 2)))}.r',
    "flatten in a loop": "{l: for i in 1..1000 return i, m: [l, l, l, l, l, l, l, l, l, l], "
                         "r: (for i in 1..100 return flatten(m)[1])[1]}.r",
    "context merge of one context many times": '{c: context(for i in 1..1000 return {key: "k" + string(i), value: i}), '
                                               'r: count(get entries(context merge(for i in 1..1000 return c)))}.r',
    "date ranges": 'count(for d in date("2000-01-01")..date("2100-01-01"), e in date("2000-01-01")..date("2100-01-01") return 1)',
    "context equality in a loop": '{c: context(for i in 1..1000 return {key: string(i), value: i}), '
                                  'r: count(for i in 1..1000 return c = c)}.r',
    "filter over large contexts": '{c: context(for i in 1..1000 return {key: "k" + string(i), value: i}), '
                                  'l: for i in 1..1000 return c, r: count(l[item.k1 = 1])}.r',
    "instance of in a loop": "{l: for i in 1..1000 return i, r: count(for i in 1..1000 return l instance of list<number>)}.r",
    "string join": '{s: string join(for i in 1..1000 return "abcdefghij"), r: count(for i in 1..1000 return s + s)}.r',
}


def _run(text, budget=SMALL):
    scope = Scope({})
    compiled = compile_expression(text)
    with budget.meter() as meter:
        value = compiled(scope)
    return value, scope.messages, meter


@pytest.mark.parametrize("name", sorted(UNBOUNDED))
def test_unbounded_work_ends_with_one_limit_message_naming_the_budget(name):
    value, messages, meter = _run(UNBOUNDED[name])
    assert value is None
    assert [(m.kind, m.severity) for m in messages] == [("limit", "error")], messages
    assert messages[0].text.startswith(STEPS_TEXT), messages[0].text
    assert meter.exceeded == "steps"


@pytest.mark.parametrize("text, expected", [
    ("count(for i in 1..100, j in 1..100 return i)", 10_000),
    ('{d: function(s, n) if n = 0 then s else d(s + s, n - 1), r: string length(d("x", 12))}.r', 4096),
    ("{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1), r: f(10)}.r", 0),
    ("count(distinct values(for i in 1..200 return i))", 200),
])
def test_the_same_shapes_within_the_budget_give_their_values(text, expected):
    value, messages, meter = _run(text)
    assert (value, messages) == (Decimal(expected), [])
    assert 0 < meter.spent <= 100_000 and meter.exceeded is None


# Ten lists (contexts) of the one below, seven deep: 10**7 leaves in a value built in a few hundred steps.
SHARED = ("{l1: for i in 1..10 return i, " + ", ".join(f"l{n}: for i in 1..10 return l{n - 1}" for n in range(2, 8))
          + ', c1: {a: 1}, ' + ", ".join(f'c{n}: context(for i in 1..10 return {{key: "k" + string(i), value: c{n - 1}}})'
                                         for n in range(2, 9)) + ", r: %s}.r")
LONG = '"' + "x" * 1000 + '"'


@pytest.mark.parametrize("result", ["count(flatten(l7))", "string length(string(l7))", "string length(string(c8))",
                                    f"string length(string(for i in 1..10000 return {LONG}))",
                                    f"string length(string join(for i in 1..10000 return {LONG}))"],
                         ids=["flatten", "string of lists", "string of contexts", "string of long strings",
                              "string join"])
def test_results_that_outgrow_their_arguments_are_charged_before_they_are_built(result):
    """The limit comes before the value is built: the memory at its peak stays far below the
    result's size (80 MB of references, 30 MB or 10 MB of text)."""
    import tracemalloc
    tracemalloc.start()
    try:
        value, messages, meter = _run(SHARED % result)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert value is None and meter.exceeded == "steps" and [m.kind for m in messages] == ["limit"]
    assert peak < 4_000_000, peak


def test_the_default_budget_stops_what_would_exhaust_memory():
    """`evaluate` without a budget runs under the default one: 2**48 characters are never built."""
    assert Budget() == Budget(steps=10_000_000, seconds=None, deadline=None)
    text = '{d: function(s, n) if n = 0 then s else d(s + s, n - 1), r: string length(d("x", 48))}.r'
    assert evaluate(text) is None
    value, messages, meter = _run(text, Budget())
    assert value is None and meter.exceeded == "steps"
    assert messages[0].text.startswith("evaluation budget exceeded: more than 10,000,000 steps")


def test_evaluate_and_unary_test_take_a_budget():
    # 100 + 100 x 100 iterations: 10,100 steps exactly (count() has the length at hand); sum() walks
    # the 10,000 items it adds: 20,100
    text = "count(for i in 1..100, j in 1..100 return i)"
    assert evaluate(text, budget=Budget(steps=10_100)) == 10_000
    assert evaluate(text, budget=Budget(steps=10_099)) is None
    assert evaluate(text.replace("count", "sum"), budget=Budget(steps=20_100)) == 505_000
    assert evaluate(text.replace("count", "sum"), budget=Budget(steps=20_099)) is None
    assert unary_test("? < count(for i in 1..100 return i)", 1, budget=Budget(steps=200)) is True
    assert unary_test("? < count(for i in 1..100 return i)", 1, budget=Budget(steps=50)) is None


def test_unary_tests_are_charged_and_report_the_limit():
    test = compile_unary_tests("? < count(for i in 1..100, j in 1..100 return i)")
    scope = Scope({})
    with Budget(steps=1_000).meter() as meter:
        assert test(scope, Decimal(1)) is None
    assert meter.exceeded == "steps" and [m.kind for m in scope.messages] == ["limit"]


def test_a_deadline_that_passed_ends_the_evaluation_naming_it():
    value, messages, meter = _run(UNBOUNDED["nested for"], Budget(steps=None, deadline=time.monotonic() - 1))
    assert value is None and meter.exceeded == "deadline"
    assert [m.text for m in messages] == ["evaluation budget exceeded: not finished by its deadline"]
    value, messages, meter = _run(UNBOUNDED["nested for"], Budget(steps=None, seconds=0))
    assert meter.exceeded == "seconds"
    assert [m.text for m in messages] == ["evaluation budget exceeded: not finished within 0 s"]


def test_each_evaluation_counts_from_zero():
    """A budget is a size, not a purse: two evaluations under one Budget each get all of it."""
    budget = Budget(steps=15_000)
    text = "count(for i in 1..100, j in 1..100 return i)"
    assert [evaluate(text, budget=budget) for _ in range(3)] == [10_000] * 3


def test_without_a_meter_a_compiled_expression_is_not_metered():
    """Called directly outside any evaluation (no `with budget.meter()`), nothing is charged."""
    scope = Scope({})
    assert compile_expression("count(for i in 1..300, j in 1..300 return i)")(scope) == 90_000
    assert scope.messages == []


@pytest.mark.parametrize("bad", [{"steps": -1}, {"steps": 1.5}, {"steps": True}, {"seconds": -1},
                                 {"seconds": float("nan")}])
def test_a_budget_must_be_a_size(bad):
    with pytest.raises(ValueError):
        Budget(**bad)


def test_budget_is_public_api():
    assert pydmn.Budget is Budget and "Budget" in pydmn.__all__ and "Budget" in pydmn.feel.__all__
