"""A node in ``inspect failed`` is retried with backoff and reaches ``available`` once the
cause is gone.

The node is one an operator created by hand for a rack server (``driver_info`` only, no
properties), outside the daemon's template; ``[daemon] inspect = true`` makes the daemon
inspect it out of band, and OneView answers 500 to the server's ``localStorage`` (read by
inspection only) until the fault is removed.
"""

from __future__ import annotations

import re

import pytest

from oneview_openstack.client import OneViewClient

from .helpers import DL360, SY660, Env

pytestmark = pytest.mark.functional


def test_inspect_failed_node_is_retried_until_available(env: Env) -> None:
    sim = env.sim
    with OneViewClient(sim.url, sim.username, sim.password, ca_file=sim.ca_file) as ov:
        template = next(t for t in ov.server_profile_templates.list() if t.name == DL360)
        server = next(
            s
            for s in ov.server_hardware.list()
            if s.server_hardware_type_uri == template.server_hardware_type_uri
        )
    fault = sim.operator.add_fault(
        f"{server.uri}/localStorage", method="GET", status=500, message="iLO is busy"
    )
    baremetal = env.ironic.connection().baremetal
    node = baremetal.create_node(
        driver="oneview",
        name="by-hand",
        driver_info={"server_hardware_uri": server.uri},
        inspect_interface="oneview",
    )
    assert not node.properties.get("cpus")

    daemon = env.daemon("retry", [SY660], inspect=True, retry_backoff=1, retry_backoff_max=2)
    retried = re.compile(r"Node .*by-hand.* is inspect failed .*retrying now \(attempt 2\)")
    env.wait(lambda: bool(retried.search(daemon.log_text())), "two retries of the node", 60)
    assert baremetal.get_node(node.id).provision_state != "available"

    sim.operator.remove_fault(fault)
    env.wait(
        lambda: baremetal.get_node(node.id).provision_state == "available",
        "the node available after the fault is gone",
        60,
    )
    inspected = baremetal.get_node(node.id)
    assert inspected.properties["cpus"] and inspected.properties["memory_mb"]
    assert "iLO is busy" in daemon.log_text()
    # the daemon's own servers went on meanwhile
    states = {n["name"]: n["provision_state"] for n in env.nodes()}
    assert list(states.values()).count("available") == 7, states
