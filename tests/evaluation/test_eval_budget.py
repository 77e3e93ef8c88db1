"""Model.evaluate and Model.invoke run under a budget per call (pydmn.Budget): a model that loops
on one input fails that request's decision with a `limit` message naming the budget, and says so
in `Result.exceeded`; other inputs, and decisions that do not need the loop, are answered. Small
budgets, no elapsed time asserted."""
import time

import pytest

import pydmn
from dmn_text import decision, definitions, esc, input_data, literal
from pydmn import Budget, EvaluationFailed

SMALL = Budget(steps=50_000, seconds=None)

# The attacker's shape: an ordinary answer, except when the count is 7.
LOOP_ON_7 = ("if Count = 7 then count(for i in 1..1000, j in 1..1000, k in 1..1000 return i) "
             "else Count * 2")


def _model(*parts):
    return pydmn.load(definitions("".join(parts)))


def _looping_model():
    return _model(input_data("Count", "number"),
                  decision("Doubled", literal(LOOP_ON_7), inputs=["Count"]),
                  decision("Plain", literal("Count + 1"), inputs=["Count"]))


def test_a_model_that_loops_on_one_input_fails_only_that_request():
    model = _looping_model()
    fine = model.evaluate({"Count": 3}, budget=SMALL)
    assert (fine["Doubled"], fine["Plain"], fine.exceeded) == (6, 4, None)
    assert fine.steps == 0           # arithmetic on numbers is not metered

    looped = model.evaluate({"Count": 7}, budget=SMALL)
    assert looped.exceeded == "steps" and looped.steps > 50_000
    doubled = looped.decisions["Doubled"]
    assert doubled.status == "failed" and doubled.value is None
    assert [m.kind for m in doubled.messages] == ["limit"]
    assert doubled.messages[0].text.startswith("evaluation budget exceeded: more than 50,000 steps")
    assert (looped["Plain"], looped.decisions["Plain"].status) == (8, "succeeded")


def test_strict_mode_raises_the_limit():
    with pytest.raises(EvaluationFailed, match="limit: evaluation budget exceeded: more than 50,000 steps"):
        _looping_model().evaluate({"Count": 7}, budget=SMALL, strict=True)


def test_a_deadline_ends_the_evaluation():
    result = _looping_model().evaluate({"Count": 7}, budget=Budget(steps=None, deadline=time.monotonic() - 1))
    assert result.exceeded == "deadline"
    assert [m.text for m in result.decisions["Doubled"].messages] == [
        "evaluation budget exceeded: not finished by its deadline"]


BKM_DOUBLING = ('<businessKnowledgeModel id="dbl" name="double"><variable name="double"/>'
                '<encapsulatedLogic><formalParameter name="s" typeRef="string"/>'
                '<formalParameter name="n" typeRef="number"/>'
                + literal("if n = 0 then string length(s) else double(s + s, n - 1)")
                + "</encapsulatedLogic></businessKnowledgeModel>")

BKM_FANOUT = ('<businessKnowledgeModel id="fan" name="fan"><variable name="fan"/>'
              '<encapsulatedLogic><formalParameter name="n" typeRef="number"/>'
              + literal("if n = 0 then 0 else fan(n - 1) + fan(n - 1)")
              + "</encapsulatedLogic></businessKnowledgeModel>")


def _context(entries, result):
    """A boxed context: (name, boxed expression) entries, then the result entry."""
    return ("<context>" + "".join(f'<contextEntry><variable name="{n}"/>{e}</contextEntry>' for n, e in entries)
            + f"<contextEntry>{result}</contextEntry></context>")


def _boxed_for(var, source, body):
    return f'<for iteratorVariable="{var}"><in>{source}</in><return>{body}</return></for>'


def _boxed_filter(source, match):
    return f"<filter><in>{source}</in><match>{match}</match></filter>"


L = ("L", literal("for i in 1..1000 return i"))
BIG = ("C", literal('context(for i in 1..1000 return {key: "k" + string(i), value: i})'))
CS = ("Cs", literal("for i in 1..100 return C"))


@pytest.mark.parametrize("parts, decision_name", [
    ((BKM_DOUBLING, decision("D", literal('double("x", 60)'), knowledge=["dbl"])), "D"),
    ((BKM_FANOUT, decision("F", literal("fan(40)"), knowledge=["fan"])), "F"),
    ((decision("B", '<for iteratorVariable="i"><in>' + literal("for i in 1..1000 return i")
                    + "</in><return>" + literal("for j in 1..1000 return i * j") + "</return></for>"),), "B"),
    ((decision("G", '<filter><in>' + literal("for i in 1..1000 return for j in 1..1000 return j")
                    + "</in><match>" + literal("count(item) > 1") + "</match></filter>"),), "G"),
    ((decision("N", _context([L], _boxed_for("i", literal("L"), _boxed_for("j", literal("L"), literal("i * j"))))),),
     "N"),
    ((decision("M", _context([L], _boxed_for("i", literal("L"), _boxed_filter(literal("L"), literal("item < i"))))),),
     "M"),
    ((decision("K", _context([BIG, CS], _boxed_for("i", literal("Cs"), _boxed_filter(literal("Cs"), literal("k1 = 0"))))),),
     "K"),
], ids=["BKM string doubling", "BKM fan-out recursion", "boxed for", "boxed filter", "nested boxed for",
        "boxed filters in a boxed for", "boxed filters of large contexts"])
def test_boxed_expressions_and_bkms_are_charged(parts, decision_name):
    result = _model(*parts).evaluate({}, budget=SMALL)
    failed = result.decisions[decision_name]
    assert (failed.status, failed.value, result.exceeded) == ("failed", None, "steps")
    assert failed.messages[0].kind == "limit" and failed.messages[0].text.startswith(
        "evaluation budget exceeded: more than 50,000 steps")


def test_invoke_takes_a_budget():
    model = _model(BKM_FANOUT)
    assert model.invoke("fan", {"n": 3}, budget=SMALL) == 0
    value, messages = model.invoke_with_messages("fan", {"n": 3}, budget=Budget(steps=0))   # the call itself
    assert value is None and [m.kind for m in messages] == ["limit"]
    value, messages = model.invoke_with_messages("fan", {"n": 40}, budget=SMALL)
    assert value is None and [m.kind for m in messages] == ["limit"]
    assert messages[0].text.startswith("evaluation budget exceeded: more than 50,000 steps")


def test_a_decision_service_call_is_charged():
    service = ('<decisionService id="svc" name="Svc"><variable name="Svc"/>'
               '<outputDecision href="#d_Inner"/><inputData href="#i_N"/></decisionService>')
    inner = decision("Inner", literal("N + 1"), inputs=["N"])
    # 1,000 + 40,000 iterations are within 50,000 steps; the 40,000 calls are not
    caller = decision("Caller", literal("(for i in 1..1000, j in 1..40 return Svc(i))[1]"), knowledge=["svc"])
    result = _model(input_data("N", "number"), inner, service, caller).evaluate({"N": 1}, budget=SMALL)
    assert (result["Inner"], result.decisions["Caller"].status, result.exceeded) == (2, "failed", "steps")


def test_an_input_list_longer_than_the_budget_is_not_converted():
    typed = ('<itemDefinition name="tNumbers" isCollection="true"><typeRef>number</typeRef></itemDefinition>')
    model = _model(typed, input_data("Numbers", "tNumbers"),
                   decision("Total", literal("sum(Numbers)"), inputs=["Numbers"]))
    assert model.evaluate({"Numbers": list(range(100))}, budget=SMALL)["Total"] == 4950
    result = model.evaluate({"Numbers": list(range(60_000))}, budget=SMALL)
    assert result.exceeded == "steps" and result.decisions["Total"].value is None
    assert (result.messages[0].kind, result.messages[0].element_id) == ("limit", "i_Numbers")
    assert result.decisions["Total"].status == "failed"


def test_nested_lists_bound_to_a_nested_type_are_charged_level_by_level():
    """Small lists of small lists, shared: 16**5 numbers in a value built in 80 steps. Binding it to a
    parameter typed as lists five deep walks them all, each level charged."""
    types = '<itemDefinition name="t1" isCollection="true"><typeRef>number</typeRef></itemDefinition>' + "".join(
        f'<itemDefinition name="t{n}" isCollection="true"><typeRef>t{n - 1}</typeRef></itemDefinition>'
        for n in range(2, 6))
    bkm = ('<businessKnowledgeModel id="deep" name="deep"><variable name="deep"/><encapsulatedLogic>'
           '<formalParameter name="x" typeRef="t5"/>' + literal("1") + "</encapsulatedLogic></businessKnowledgeModel>")
    shared = "{l1: for i in 1..16 return i, " + ", ".join(
        f"l{n}: for i in 1..16 return l{n - 1}" for n in range(2, 6)) + ", r: sum(for i in 1..3 return deep(l5))}.r"
    result = _model(types, bkm, decision("D", literal(shared), knowledge=["deep"])).evaluate({}, budget=SMALL)
    assert result.exceeded == "steps" and result.decisions["D"].status == "failed"


def test_the_default_budget_applies_to_every_call():
    """2**60 characters would be built without one; the default budget stops far before."""
    result = _model(BKM_DOUBLING, decision("D", literal('double("x", 60)'), knowledge=["dbl"])).evaluate({})
    assert result.exceeded == "steps"
    assert result.decisions["D"].messages[0].text.startswith(
        "evaluation budget exceeded: more than 10,000,000 steps")


def test_decision_tables_of_a_request_cost_nothing_beyond_their_work():
    """A plain table evaluates without charging a step: the budget counts only what grows with data."""
    table = ('<decisionTable hitPolicy="UNIQUE"><input id="in1"><inputExpression typeRef="number">'
             '<text>Count</text></inputExpression></input><output id="o1" typeRef="string"/>'
             '<rule id="r1"><inputEntry><text>' + esc("< 5") + '</text></inputEntry>'
             '<outputEntry><text>"low"</text></outputEntry></rule>'
             '<rule id="r2"><inputEntry><text>' + esc(">= 5") + '</text></inputEntry>'
             '<outputEntry><text>"high"</text></outputEntry></rule></decisionTable>')
    result = _model(input_data("Count", "number"), decision("Band", table, inputs=["Count"])).evaluate(
        {"Count": 7}, budget=Budget(steps=0))
    assert (result["Band"], result.steps, result.exceeded) == ("high", 0, None)


def test_running_out_of_memory_is_the_process_s_not_a_value(monkeypatch):
    """MemoryError is not a model's error to report: it leaves the evaluation (a service's child
    process turns it into its answer, webapp.governance.bounded)."""
    from pydmn.feel.builtins import BUILTINS

    def exhausted(*args):
        raise MemoryError
    monkeypatch.setattr(BUILTINS["string length"].overloads[0], "fn", exhausted)
    model = _model(input_data("Count", "number"), decision("Long", literal('string length("abc")')))
    with pytest.raises(MemoryError):
        model.evaluate({"Count": 1})


class _Probe(pydmn.FeelFunction):
    """A FEEL function that records the meter its call runs under."""
    params = ()

    def __init__(self):
        self.seen = []

    def invoke(self, args, named, scope):
        from pydmn.feel.budget import current
        self.seen.append(current())
        return 1


def _probed_model():
    return _model(input_data("probe"), decision("P", literal("probe()"), inputs=["probe"]))


def test_an_evaluation_inside_a_metered_block_has_its_own_budget():
    model, probe = _probed_model(), _Probe()
    with Budget(steps=5).meter() as outer:
        result = model.evaluate({"probe": probe}, budget=SMALL)
    assert (result["P"], result.exceeded) == (1, None)
    assert probe.seen[0] is not outer and probe.seen[0].budget is SMALL
    assert (outer.spent, outer.exceeded) == (0, None)


def test_a_meter_another_thread_made_is_never_used():
    """A context copied into a thread carries its creator's meter: an evaluation there takes one of
    its own, so two threads never count on one meter."""
    import threading
    from pydmn.feel.budget import Meter, _CURRENT
    made = []
    thread = threading.Thread(target=lambda: made.append(Meter()))
    thread.start()
    thread.join()
    token = _CURRENT.set(made[0])
    try:
        model, probe = _probed_model(), _Probe()
        assert model.evaluate({"probe": probe}, budget=SMALL)["P"] == 1
    finally:
        _CURRENT.reset(token)
    assert probe.seen[0] is not made[0] and probe.seen[0].budget is SMALL
