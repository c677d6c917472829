"""The call observer used by benchmarks."""

import threading

import pytest

from oneview_openstack.client import CallCounter, path_template


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/rest/server-hardware", "/rest/server-hardware"),
        (
            "/rest/server-hardware/30303437-3034-4D32-3230-313133364752/powerState",
            "/rest/server-hardware/{id}/powerState",
        ),
        ("/rest/enclosures/0000000000A66101", "/rest/enclosures/{id}"),
        ("/rest/tasks/BA3C8C84-4122?view=tree", "/rest/tasks/{id}"),
        ("/rest/connection-templates/defaultConnectionTemplate", None),
        ("/rest/server-hardware?start=0&count=500", "/rest/server-hardware"),
        ("/rest/version", "/rest/version"),
    ],
)
def test_path_template(path, template):
    assert path_template(path) == (template or path)


def test_counter_is_exact_under_concurrency():
    counter = CallCounter()

    def hammer():
        for _ in range(1000):
            counter.record("GET", "/rest/server-hardware/{id}", 200, 0.001)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counter.record("PUT", "/rest/server-hardware/{id}/powerState", 409, 0.5)
    assert counter.counts() == {
        "GET /rest/server-hardware/{id}": 8000,
        "PUT /rest/server-hardware/{id}/powerState": 1,
    }
    stats = counter.stats()["PUT /rest/server-hardware/{id}/powerState"]
    assert stats.errors == 1 and stats.max_seconds == 0.5
    assert counter.total == 8001
    counter.reset()
    assert counter.total == 0
