"""ironic-oneviewd enrolls what OneView offers, once, and drives it to ``available``.

The simulator cannot add hardware at run time, so the servers of a generated datacenter of
70 (``--servers 70``; template ``SPT-EG-001-SY480Gen10`` fits 61 of them) "appear" while the
daemon runs the way servers do that OneView users give back: each carries a foreign profile
(the simulator's operator API) when the daemon starts, and loses it later.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.simulator import SimulatorHandle

from .helpers import SY480, SY660, Env, server_uri

pytestmark = pytest.mark.functional


def compatible_free(sim: SimulatorHandle, template_name: str) -> set[str]:
    """The free servers of the template's hardware type and enclosure group (by URI)."""
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        template = next(t for t in ov.server_profile_templates.list() if t.name == template_name)
        return {
            s.uri.rstrip("/").lower()
            for s in ov.server_hardware.list()
            if s.server_hardware_type_uri == template.server_hardware_type_uri
            and not s.server_profile_uri
        }


def assert_converged(env: Env, expected: set[str]) -> None:
    nodes = env.nodes()
    by_server = Counter(server_uri(node) for node in nodes)
    duplicated = {uri: n for uri, n in by_server.items() if n > 1}
    assert not duplicated, f"servers enrolled more than once: {duplicated}"
    assert set(by_server) == expected
    assert Counter(node["provision_state"] for node in nodes) == {"available": len(expected)}
    ports = env.ports_by_node()
    portless = [node["name"] for node in nodes if ports[node["uuid"]] == 0]
    assert not portless, f"nodes without ports: {portless}"
    # node UUID = server UUID: one node per server by construction
    assert all(node["uuid"] == server_uri(node).rsplit("/", 1)[-1] for node in nodes)


def all_available(env: Env, count: int) -> bool:
    nodes = env.nodes()
    return len(nodes) >= count and all(n["provision_state"] == "available" for n in nodes)


def test_new_servers_become_available_with_no_manual_step(env: Env) -> None:
    """The servers appear while the daemon runs: OneView users give them back."""
    expected = compatible_free(env.sim, SY480)
    assert len(expected) >= 50
    operator = env.sim.operator
    sim = env.sim
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        servers = [s.uri for s in ov.server_hardware.list() if s.uri.lower() in expected]
    for uri in servers:  # held by OneView users when the daemon starts
        operator.apply_foreign_profile(uri, f"user-{uri.rsplit('/', 1)[-1]}")
    daemon = env.daemon("solo", [SY480])
    daemon.wait_cycles(1)
    assert env.nodes() == []  # a server a OneView user holds is never enrolled

    for uri in servers:  # the users are done: the servers appear
        operator.remove_foreign_profile(uri)
    seconds = env.wait(lambda: all_available(env, len(expected)), "all nodes available", 150)

    assert_converged(env, expected)
    daemon.wait_cycles(1)  # one more cycle: nothing new, nothing duplicated
    assert_converged(env, expected)
    log = daemon.log_text()
    # Each server enrolled once, in as many cycles as it took (a loaded machine takes two).
    assert sum(int(n) for n in re.findall(r"; enrolled (\d+),", log)) == len(expected), log
    assert "Could not enroll" not in log and "Traceback" not in log
    print(f"{len(expected)} servers available {seconds:.1f} s after they appeared")


def test_server_taken_by_a_oneview_user_is_not_enrolled(env: Env) -> None:
    sim = env.sim
    free = sorted(compatible_free(sim, SY660))
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        template = next(t for t in ov.server_profile_templates.list() if t.name == SY660)
        taken = free[0]
        real_uri = next(s.uri for s in ov.server_hardware.list() if s.uri.lower() == taken)
        ov.server_profiles.create_from_template(template.uri, "someone-elses-profile", real_uri)
    assert taken not in compatible_free(sim, SY660)

    daemon = env.daemon("taken", [SY660])
    env.wait(lambda: all_available(env, len(free) - 1), "the other servers available")
    daemon.wait_cycles(3)

    enrolled = {server_uri(node) for node in env.nodes()}
    assert taken not in enrolled
    assert enrolled == set(free[1:])
    last_cycle = [line for line in daemon.log_text().splitlines() if "Cycle " in line][-1]
    assert "skipped 1;" in last_cycle, last_cycle


def test_sigkill_mid_cycle_then_restart_converges_without_duplicates(env: Env) -> None:
    expected = compatible_free(env.sim, SY480)
    daemon = env.daemon("crash", [SY480])
    deadline = time.monotonic() + 90
    while len(env.nodes()) < len(expected) // 2:
        assert time.monotonic() < deadline, daemon.log_text()[-3000:]
        time.sleep(0.05)
    daemon.kill()
    time.sleep(1)  # requests the daemon had sent are answered by Ironic
    at_kill = env.nodes()
    ports = env.ports_by_node()
    assert len(at_kill) < len(expected), "the first cycle ended before the kill"
    portless = sum(1 for n in at_kill if ports[n["uuid"]] == 0)
    print(
        f"killed with {len(at_kill)} of {len(expected)} nodes, {portless} without ports, "
        f"states {Counter(n['provision_state'] for n in at_kill)}"
    )

    daemon.start()
    seconds = env.wait(lambda: all_available(env, len(expected)), "all nodes available", 150)
    assert_converged(env, expected)
    repaired = daemon.metrics().get('ironic_oneviewd_enrollments_total{result="repaired"}', 0)
    assert repaired >= portless  # nodes the kill left without ports got them
    print(f"converged {seconds:.1f} s after the restart ({repaired:.0f} node(s) repaired)")
