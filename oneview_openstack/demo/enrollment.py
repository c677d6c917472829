"""Chapter 2: ``ironic-oneviewd`` enrolls a template's servers and brings them to ``available``."""

from __future__ import annotations

import re
import time
from pathlib import Path

from oneview_openstack.demo import show
from oneview_openstack.demo.progress import Watcher, is_settled, wait_for
from oneview_openstack.demo.stage import DemoNode, Stage
from oneview_openstack.testing.cloud import NODE_INTERFACES, PHYSICAL_NETWORK

#: The servers the cloud's template (SPT-Edge-SY480) fits in the simulator's seed.
SERVERS = ("Frame3, bay 1", "Frame3, bay 2")
_CYCLE = re.compile(r"Cycle \d+: .*")


def run(stage: Stage) -> None:
    template = ", ".join(stage.cloud.templates)
    show.chapter(
        2,
        "Enrollment: ironic-oneviewd turns a template's servers into Ironic nodes",
        f"The operator names a server profile template ({template}); the daemon enrolls every "
        "server it fits as an Ironic node (driver oneview), with its ports and a resource "
        "class, and brings it to `available`: verified against OneView, inspected, cleaned "
        "through the agent on a profile from the template. Nova then offers it to tenants.",
    )
    daemon = stage.cloud.start_enrollment()
    show.step(f"ironic-oneviewd starts (config {daemon.config_path})")
    show.fields(
        [
            ("[daemon] templates", template),
            ("[daemon] interfaces", ", ".join(f"{k} {v}" for k, v in NODE_INTERFACES.items())),
            ("[daemon] physical_network", f"{PHYSICAL_NETWORK} (the nodes' ports, for Neutron)"),
        ],
        indent=2,
    )
    show.step("The nodes as Ironic and OneView show them, as they move")
    watcher = Watcher(stage)
    settled = watcher.until(
        lambda s: (
            len(s.nodes) == len(SERVERS) and s.all_nodes(lambda n: is_settled(n, "available"))
        ),
        f"ironic-oneviewd to bring the {len(SERVERS)} servers of {template} to available",
        timeout=180,
    )
    for name, node in sorted(settled.nodes.items()):
        uri = node.driver_info["server_hardware_uri"]
        server = stage.ov.server_hardware.get(uri)
        stage.nodes.append(DemoNode(name, node.id, str(server.name), uri))
    wait_profiles_removed(stage)
    show_cycles(stage)
    show_nodes(stage, settled.nodes)
    show.step("Nova's view: Placement offers each node as one unit of its resource class")
    wait_for(
        lambda: stage.cloud.schedulable(n.id for n in stage.nodes),
        "Placement to offer both nodes to Nova",
    )
    show_capacity(stage)


def wait_profiles_removed(stage: Stage, timeout: float = 60.0) -> None:
    """Ironic removes the cleaning's profile in the background once the node is
    ``available`` (its conductor is not held while OneView deletes it): wait for OneView to
    report the servers free."""
    started = time.monotonic()
    wait_for(
        lambda: all(not stage.ov.server_hardware.get(n.server_uri).server_profile_uri
                    for n in stage.nodes),
        "OneView to remove the profiles of the available nodes",
        timeout,
    )  # fmt: skip
    waited = time.monotonic() - started
    show.say(
        "OneView shows no profile on the servers: Ironic removed the cleaning's profiles"
        + (
            f" in the background, {waited:.1f} s after the nodes became available"
            if waited > 1
            else ""
        ),
        1,
    )


def show_cycles(stage: Stage) -> None:
    """The daemon's own report: its cycle that enrolled (logged once the cycle ends)."""
    log = stage.cloud.daemon.log_path
    enrolled = wait_for(
        lambda: next((line for line in _cycles(log) if not re.search(r"enrolled 0\b", line)), None),
        f"ironic-oneviewd to log a cycle that enrolled servers (in {log})",
        timeout=60,
    )
    show.say("ironic-oneviewd's log:", 1)
    show.paragraph(enrolled, indent=2)


def _cycles(log: Path) -> list[str]:
    return [match.group(0) for match in _CYCLE.finditer(log.read_text(errors="replace"))]


def show_nodes(stage: Stage, nodes: dict[str, object]) -> None:
    show.step("Enrolled: Ironic's nodes next to OneView's servers (no profile until a deploy)")
    rows = []
    for node in stage.nodes:
        ironic = stage.baremetal.get_node(node.id)
        server = stage.ov.server_hardware.get(node.server_uri)
        rows.append(
            (
                node.name,
                ironic.provision_state,
                ironic.resource_class,
                node.server_name,
                server.state,
                server.power_state,
                server.server_profile_uri or "none",
            )
        )
    show.table(
        ["node", "state", "resource class", "server", "OneView state", "power", "profile"], rows
    )


def show_capacity(stage: Stage) -> None:
    rows = []
    for node in stage.nodes:
        for resource_class, inventory in stage.cloud.placement.inventories(node.id).items():
            rows.append((node.name, resource_class, inventory["total"], inventory["reserved"]))
    show.table(["resource provider", "resource class", "total", "reserved"], rows)
