"""Synthetic requests: valid under the model's own input schema, varied, reproducible by seed and
independent of how the work is split."""
import json
from collections import Counter
from pathlib import Path

import pydmn
import pytest

from support.apps import CAR_T_CONTRACT
from webapp.serving.redetermine import ModelVersion
from webapp.serving.inputs import inputs_schema, validate_inputs
from webapp.bulk.synthetic import CHANGES, Synthesizer

RANGES = Path(__file__).resolve().parents[1] / "webapp" / "data" / "ranges.dmn"


@pytest.fixture(scope="module")
def car_t(car_t_source):
    return ModelVersion("car-t-candidate-selection", car_t_source, contract=CAR_T_CONTRACT)


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    else:
        yield path, data


@pytest.mark.parametrize("with_base", [True, False])
def test_every_request_passes_the_models_schema(car_t, base_request, with_base):
    made = Synthesizer(car_t.schema, base=base_request if with_base else None)
    for request in made.requests(seed=11, start=0, stop=400):
        assert validate_inputs(car_t.schema, json.loads(json.dumps(request)))[1] is None, request


def test_values_under_constraints_are_drawn_again_until_allowed():
    """ranges.dmn: a count in [1..10], a score >= 0, one of 1, 3, 5, a date >= 2026-04-15."""
    model = pydmn.load(RANGES)
    schema = inputs_schema(model, True, "Inputs")
    made = Synthesizer(schema, null_rate=0)
    requests = list(made.requests(seed=3, start=0, stop=300))
    for request in requests:
        assert validate_inputs(schema, json.loads(json.dumps(request)))[1] is None, request
    assert {r["Case"]["odd"] for r in requests} == {1, 3, 5}
    assert min(r["Case"]["requested"] for r in requests) >= "2026-04-15"
    assert {r["Case"]["count"] for r in requests} == set(range(1, 11))


def test_a_request_depends_on_its_seed_and_index_only(car_t, base_request):
    one = Synthesizer(car_t.schema, base=base_request)
    other = Synthesizer(car_t.schema, base=base_request)
    forwards = list(one.requests(seed=5, start=100, stop=160))
    backwards = [other.request(5, i) for i in reversed(range(100, 160))]
    assert forwards == backwards[::-1]
    assert list(one.requests(seed=6, start=100, stop=160)) != forwards


def test_without_a_base_every_field_varies(car_t):
    made = Synthesizer(car_t.schema)
    seen: dict = {}
    for request in made.requests(seed=1, start=0, stop=300):
        for path, value in _leaves(request):
            seen.setdefault(path, set()).add(json.dumps(value))
    assert len(seen) > 40
    assert all(len(values) >= 2 for values in seen.values()), [p for p, v in seen.items() if len(v) < 2]


def test_with_a_base_a_few_fields_change_and_the_outcomes_spread(car_t, base_request):
    made = Synthesizer(car_t.schema, base=base_request)
    base = dict(_leaves(made.base))
    changed, outcomes = Counter(), Counter()
    for request in made.requests(seed=2, start=0, stop=400):
        changed[sum(base[p] != v for p, v in _leaves(request))] += 1
        outcome, errors = car_t.determine(request)
        assert errors is None
        outcomes[outcome.determination] += 1
    assert max(changed) <= max(CHANGES) and changed[0] >= 50
    assert len(outcomes) >= 4 and outcomes["medically_appropriate"] < 300, outcomes
