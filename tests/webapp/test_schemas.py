"""The input schemas: dates become FEEL dates, and the fast loader always agrees with marshmallow."""
import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from marshmallow import ValidationError

import pydmn
from webapp.serving import contract
from webapp.serving.inputs import _fast_loader, inputs_schema, validate_inputs

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "decisions" / "car-t-candidate-selection.dmn"
CASE = json.loads((Path(__file__).parents[2] / "docs" / "examples" / "car-t-request.json").read_text(),
                  parse_float=Decimal)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
    | st.sampled_from(["2026-05-01", "2026-02-30", "C83.30", "commercial", "P1D", "12:00:00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def schemas():
    model = pydmn.load(MODEL)
    terms = contract.load(contract.contract_file(MODEL.parent, MODEL.stem))
    return [inputs_schema(model, True, "Strict", terms), inputs_schema(model, False, "Loose", terms)]


def _marshmallow(schema, data):
    try:
        return schema.load(data)
    except ValidationError:
        return "invalid"


def test_valid_case_takes_the_fast_path_and_agrees(schemas):
    for schema in schemas:
        fast = _fast_loader(schema)
        assert fast is not None
        assert fast(copy.deepcopy(CASE)) == schema.load(copy.deepcopy(CASE))
    loaded, errors = validate_inputs(schemas[0], CASE)
    assert errors is None and loaded["Request"]["request_date"].isoformat() == "2026-05-01"


@settings(max_examples=300, deadline=None, database=None)
@given(section=st.sampled_from(["Request", "History", "Assessment", "Documentation"]),
       value=json_values, drop=st.booleans(), which=st.integers(0, 1), draw=st.data())
def test_fast_path_never_disagrees_with_marshmallow(schemas, section, value, drop, which, draw):
    schema = schemas[which]
    data = copy.deepcopy(CASE)
    name = draw.draw(st.sampled_from(sorted(data[section])) | st.text(max_size=8))
    if drop:
        data[section].pop(name, None)
    else:
        data[section][name] = value
    expected = _marshmallow(schema, copy.deepcopy(data))
    loaded, errors = validate_inputs(schema, copy.deepcopy(data))
    assert (loaded if errors is None else "invalid") == expected
