"""Reading many tasks in one listing (the Ironic driver's task poller) over real HTTPS."""

from __future__ import annotations

import pytest

from oneview_openstack.client import PowerState, TaskState
from oneview_openstack.client import tasks as tasks_module

pytestmark = pytest.mark.functional


def test_tasks_are_read_in_one_filtered_listing(client, counter):
    servers = [s for s in client.server_hardware.list() if not s.power_lock][:3]
    started = [
        client.server_hardware.set_power(server, PowerState.OFF, wait=False) for server in servers
    ]
    finished = [client.tasks.wait(task) for task in started]
    counter.reset()

    found = client.tasks.list_by_uri([*started, "/rest/tasks/no-such-task"])

    assert set(found) == {task.uri for task in finished}, "the unknown task is simply absent"
    assert all(found[t.uri].state is t.state for t in finished)
    assert all(found[t.uri].resource_uri == s.uri for t, s in zip(finished, servers, strict=True))
    assert counter.counts() == {"GET /rest/tasks": 1}, "one GET for all the tasks"


def test_many_tasks_span_several_listings_and_pages(client, ops, monkeypatch):
    monkeypatch.setattr(tasks_module, "URIS_PER_LISTING", 2)
    ops.config(max_page_size=1)
    server = next(s for s in client.server_hardware.list() if not s.power_lock)
    started = []
    for state in (PowerState.OFF, PowerState.ON, PowerState.OFF):
        started.append(
            client.tasks.wait(client.server_hardware.set_power(server, state, wait=False))
        )

    found = client.tasks.list_by_uri(started)

    assert sorted(found) == sorted(task.uri for task in started)
    assert all(task.state is TaskState.COMPLETED for task in found.values())


def test_an_empty_list_asks_nothing(client):
    assert client.tasks.list_by_uri([]) == {}
