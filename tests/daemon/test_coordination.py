"""Two ironic-oneviewd instances share the servers through tooz (Redis) and a hash ring;
when one is SIGKILLed the other takes its share over once its heartbeat expires."""

from __future__ import annotations

import time

import pytest
from tooz import hashring

from oneview_openstack.client import OneViewClient
from oneview_openstack.daemon.cycle import server_key
from oneview_openstack.testing.oneviewd import DaemonProcess
from oneview_openstack.testing.redis import RedisServer

from .helpers import DL360, SY660, Env

pytestmark = pytest.mark.functional

TOTAL = 9  # SY660 (6) + DL360 (3)
SERVERS = "ironic_oneviewd_servers"
MEMBERS = "ironic_oneviewd_members"


def gauge(daemon: DaemonProcess, name: str) -> float:
    return daemon.metrics().get(name, 0.0)


def test_two_instances_share_the_servers_and_one_takes_over(
    env: Env, daemon_redis: RedisServer
) -> None:
    sim = env.sim
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        uris = {t.server_hardware_type_uri for t in ov.server_profile_templates.list()
                if t.name in (SY660, DL360)}  # fmt: skip
        servers = [s.uri for s in ov.server_hardware.list() if s.server_hardware_type_uri in uris]
    assert len(servers) == TOTAL
    # the ring the daemons build over their two members (tooz's own HashRing)
    ring = hashring.HashRing(["member-a", "member-b"])
    share_b = [uri for uri in servers if "member-b" in ring.get_nodes(server_key(uri).encode())]
    assert 0 < len(share_b) < TOTAL
    # a OneView user holds one server of b's share until b is dead
    held = share_b[0]
    sim.operator.apply_foreign_profile(held, "held-by-a-person")

    backend = daemon_redis.tooz_url(membership_timeout=2)
    sections = {
        "coordination": {"group": f"oneviewd-{time.monotonic_ns()}"},
        "oneview": {"request_retries": 0},
    }
    # Both join before either enrolls: until then their cycles fail on the templates. (A
    # member that joins during another's cycle overlaps with it until that cycle ends: the
    # older one still uses the ring it built at the cycle's start.)
    closed = sim.operator.add_fault("/rest/server-profile-templates*", status=503)
    a = env.daemon("member-a", [SY660, DL360], backend_url=backend, sections=sections)
    b = env.daemon("member-b", [SY660, DL360], backend_url=backend, sections=sections)
    env.wait(
        lambda: all("members: member-a, member-b" in d.log_text() for d in (a, b)),
        "both instances in the group",
        30,
    )
    sim.operator.remove_fault(closed)

    def shared() -> bool:
        both = [d.metrics() for d in (a, b)]
        return (
            all(m.get(MEMBERS) == 2 for m in both) and sum(m.get(SERVERS, 0) for m in both) == TOTAL
        )

    env.wait(shared, "both instances see two members and split the servers", 60)
    a.wait_cycles(1)
    b.wait_cycles(1)
    env.wait(
        lambda: sorted(n["provision_state"] for n in env.nodes()) == ["available"] * (TOTAL - 1),
        "every free server available",
        60,
    )
    a_servers, b_servers = gauge(a, SERVERS), gauge(b, SERVERS)
    assert a_servers + b_servers == TOTAL and a_servers > 0 and b_servers > 0
    assert b_servers == len(share_b)
    created = [
        d.metrics().get('ironic_oneviewd_enrollments_total{result="created"}', 0) for d in (a, b)
    ]
    assert sum(created) == TOTAL - 1  # every node created once, by one instance
    for daemon in (a, b):
        log = daemon.log_text()
        assert "Could not enroll" not in log and "Ironic refused" not in log, log[-3000:]
    assert server_key(held) not in {
        str(n["driver_info"]["server_hardware_uri"]).lower() for n in env.nodes()
    }

    b.kill()
    killed = time.monotonic()
    sim.operator.remove_foreign_profile(held)  # a new free server, in the dead one's share
    env.wait(lambda: gauge(a, SERVERS) == TOTAL, "a handles every server", 30)
    took_over = time.monotonic() - killed
    env.wait(
        lambda: sorted(n["provision_state"] for n in env.nodes()) == ["available"] * TOTAL,
        "the freed server enrolled by a and available",
        30,
    )
    enrolled = time.monotonic() - killed
    assert gauge(a, MEMBERS) == 1
    assert took_over < 15, took_over
    print(f"a took b's share over {took_over:.1f} s after the SIGKILL; the freed server "
          f"was available after {enrolled:.1f} s")  # fmt: skip
