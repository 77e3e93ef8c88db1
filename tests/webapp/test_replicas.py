"""Replicas: two service instances on different ports (and different var directories, as on two
hosts), one PostgreSQL database. A version published through one is served by the other without a
restart, and every answered determination is stored once.

The replicas check the database on every lookup here (CAR_T_SERVING_POLL=0), so the first request
after the publish must see it: the test waits for nothing. In production they check at most once a
second (docs/deployment.md)."""
import threading

import pytest

from support.apps import DATA
from support.servers import publish, Server
from webapp.store.keys import hash_key

MODEL = "simpletable"
GOOD = {"inputs": {"Age": 30, "RiskCategory": "Low", "isAffordable": True}}
AUTHOR, APPROVER = "replica-author-key", "replica-approver-key"


@pytest.fixture
def replicas(tmp_path, postgres_database):
    keys = f"{hash_key(AUTHOR)}:author,evaluate,audit:Ann Author;{hash_key(APPROVER)}:approver,evaluate:Cat Approver"
    started = []
    try:
        for name in ("a", "b"):
            server = Server(tmp_path / name, env_extra={"DATABASE_URL": postgres_database.url,
                                                        "CAR_T_API_KEYS": keys, "CAR_T_SERVING_POLL": "0"})
            started.append(server)
            assert server.ready() == 200
        yield started, postgres_database
    finally:
        for server in started:
            server.stop()


def _serving(server) -> str:
    return server.get(f"/api/v1/models/{MODEL}", AUTHOR)["version"]


def _publish_through(server) -> str:
    content = (DATA / "simpletable.dmn").read_text().replace('"Approved"', '"Approved by the replica test"')
    return publish(server, MODEL, content, AUTHOR, APPROVER)


def test_a_version_published_through_one_replica_serves_on_the_other(replicas):
    (a, b), _ = replicas
    before = _serving(b)
    assert _serving(a) == before
    published = _publish_through(a)
    assert published != before and _serving(a) == published
    # b learns it from the database: its var directory (and stamp file) is its own.
    assert _serving(b) == published
    answer = b.post(f"/api/v1/models/{MODEL}/evaluate", GOOD, AUTHOR)
    assert answer["model_version"] == published
    assert answer["decisions"]["Approval Status"]["value"] == "Approved by the replica test"


def test_every_answer_of_either_replica_is_stored_once(replicas):
    (a, b), database = replicas
    answered, failures, lock = [], [], threading.Lock()

    def client(server):
        try:
            for _ in range(25):
                evaluation_id = server.post(f"/api/v1/models/{MODEL}/evaluate", GOOD, AUTHOR)["evaluation_id"]
                with lock:
                    answered.append(evaluation_id)
        except BaseException as exc:        # a client that dies fails the test
            failures.append(exc)

    threads = [threading.Thread(target=client, args=(server,)) for server in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(answered) == 100
    stored = database.stored_ids()
    assert sorted(stored) == sorted(answered)
