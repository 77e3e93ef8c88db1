"""What the versions API refuses before it touches the store: version numbers that are not ASCII
digits, a base number past the column, content that is not DMN XML; and what it keeps bounded:
drafts per author, one stored review per (content, serving version, scenarios)."""
import pytest

from console_support import (DATA, app, as_, client, database, make_app,  # noqa: F401 (fixtures)
                             postgres_database, postgres_server)

M = "/api/v1/models/simpletable"
SOURCE = (DATA / "simpletable.dmn").read_text()


@pytest.mark.parametrize("number", ["²", "٣", "１", "3\u0663"])
def test_a_version_number_is_ascii_digits_only(client, number):
    # '²'.isdigit() is true but int('²') fails (a 500); int('٣') is 3, another version's number.
    client.post(f"{M}/versions", json={"content": SOURCE.replace("&gt;=18", "&gt;=21")}, headers=as_("ann"))
    for method, path, body in [("get", "", None), ("get", "/review", None), ("get", "/dmn", None),
                               ("post", ":approve", {"sha256": "0" * 64, "evidence": "0" * 64})]:
        answer = getattr(client, method)(f"{M}/versions/{number}{path}", json=body, headers=as_("dan"))
        assert answer.status_code == 404, (path, answer.json)
        assert answer.json["message"] == f"no version {number!r}: versions are numbered 1, 2, ..."


@pytest.mark.parametrize("base", [2 ** 31, 2 ** 63, 10 ** 30])
def test_a_base_past_any_version_number_is_422(client, base):
    answer = client.post(f"{M}/versions", json={"content": SOURCE, "base": base}, headers=as_("ann"))
    assert answer.status_code == 422 and "base" in answer.json["errors"]["body"]
