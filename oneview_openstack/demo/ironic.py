"""Chapter 2: a real Ironic manages two OneView servers through the ``oneview`` hardware type."""

from __future__ import annotations

import time
from contextlib import ExitStack
from typing import Any

from oneview_openstack.client import NotFound
from oneview_openstack.demo import show
from oneview_openstack.demo.progress import drive
from oneview_openstack.demo.stage import (
    IRONIC_TIME_SCALE,
    PERIOD_SECONDS,
    TASK_POLL_SECONDS,
    DemoFailure,
    DemoNode,
    Stage,
    ironic_version,
    start_ironic,
)
from oneview_openstack.testing.image_server import ImageServer

# The whole-disk image the virtual agent downloads, checks and writes (served on loopback).
IMAGE_CONTENT = b"the demo's whole-disk image: bm-01 boots this after the deploy\n" * 16384
IMAGE_NAME = "ubuntu-24.04.raw"
INTERFACES = ("power", "management", "inspect", "deploy", "boot", "network")
DEPLOY_INTERFACE = "oneview-direct"
BOOT_INTERFACE = "pxe"
SERVERS = {"bm-01": "Frame1, bay 1", "bm-02": "Frame1, bay 2"}  # node name: server hardware
TEMPLATE = "SPT-Prod-SY480"


def run(stage: Stage, stack: ExitStack) -> None:
    show.chapter(
        2,
        "A real Ironic manages OneView servers: the `oneview` hardware type",
        "Ironic enrolls two blades as nodes, learns their hardware from OneView, cleans them, "
        "deploys one and tears it down. Ironic configures a server by applying a OneView "
        "server profile made from the node's template, and removes it when done.",
    )
    start(stage, stack)
    enroll(stage)
    validate(stage)
    show.step("manage: Ironic takes the nodes over and reads their power state from OneView")
    drive(stage, stage.nodes, "manage", "manageable", oneview=False)
    inspect(stage)
    provide(stage)
    node = stage.nodes[0]
    deploy(stage, node)
    show_oneview_side(stage, node)
    undeploy(stage, node)


def start(stage: Stage, stack: ExitStack) -> None:
    stage.sim.operator.set_config(time_scale=IRONIC_TIME_SCALE)
    show.step(f"Starting Ironic {ironic_version()} (API and conductor in one process, sqlite)")
    ironic = start_ironic(stack, stage)
    show.say(f"Ironic ready at {ironic.url} in {ironic.startup_seconds:.1f} s; its config:", 1)
    show.fields(
        [
            ("enabled_hardware_types", "oneview"),
            ("[oneview] manager_url", stage.sim.url),
            ("[oneview] tls_cacert_file", stage.sim.ca_file),
            ("[oneview] username", f"{stage.sim.username} (password in ironic.conf)"),
            ("[oneview] periodic_check_interval", f"{PERIOD_SECONDS} s (300 s by default)"),
            ("[oneview] task_poll_interval", f"{TASK_POLL_SECONDS} s (10 s by default)"),
        ],
        indent=2,
    )
    agents = stage.sim.operator.agent_config()
    show.say("the simulator's virtual agents:", 1)
    show.fields(
        [
            ("ironic_url", agents["ironic_url"]),
            ("heartbeat_interval", f"{agents['heartbeat_interval']} s"),
        ],
        indent=2,
    )
    show.note(
        f"The nodes boot with Ironic's `{BOOT_INTERFACE}` boot interface and deploy with "
        f"`{DEPLOY_INTERFACE}` (Ironic's agent deploy plus the server profile). Before each "
        "ramdisk boot, Ironic writes the node's PXE config and asks OneView for a one-time "
        "network boot; a simulated server that boots from the network runs the simulator's "
        "VIRTUAL IRONIC-PYTHON-AGENT, which looks its node up, heartbeats, erases and writes "
        "its (simulated) disk. No TFTP server runs: the simulator stands for the network boot."
    )


def enroll(stage: Stage) -> None:
    servers = {sh.name: sh.uri for sh in stage.ov.server_hardware.list()}
    templates = {t.name: t.uri for t in stage.ov.server_profile_templates.list()}
    for name, server in SERVERS.items():
        stage.nodes.append(DemoNode(name, server, servers[server], TEMPLATE, templates[TEMPLATE]))
    show.step("Enrolling two servers as nodes (driver oneview)")
    baremetal = stage.baremetal
    for node in stage.nodes:
        created = baremetal.create_node(
            name=node.name,
            driver="oneview",
            deploy_interface=DEPLOY_INTERFACE,
            boot_interface=BOOT_INTERFACE,
            driver_info={
                "server_hardware_uri": node.server_uri,
                "server_profile_template_uri": node.template_uri,
            },
        )
        node.id = created.id
    show.table(
        ["node", "uuid", "server hardware", "server profile template"],
        ((n.name, n.id, n.server_name, n.template_name) for n in stage.nodes),
    )
    first = baremetal.get_node(stage.nodes[0].id)
    interfaces = ", ".join(f"{i} {getattr(first, i + '_interface')}" for i in INTERFACES)
    show.paragraph(f"interfaces: {interfaces}", indent=1)


def validate(stage: Stage) -> None:
    show.step("validate: each interface checks the node against OneView (one GET per object)")
    results = {n.name: stage.baremetal.validate_node(n.id, required=()) for n in stage.nodes}
    show.table(
        ["interface", *results],
        (
            (interface, *(_verdict(results[name].get(interface)) for name in results))
            for interface in INTERFACES
        ),
    )
    reasons = {
        (interface, _without_node(result.reason))
        for by_interface in results.values()
        for interface, result in by_interface.items()
        if interface in INTERFACES and not result.result
    }
    for interface, reason in sorted(reasons):
        show.say(f"{interface}: {reason}", 1)
    if any(interface == "deploy" for interface, _ in reasons):
        show.say("(the image is given at deploy time, below)", 1)


def _verdict(result: Any) -> str:
    if result is None:
        return "-"
    return "ok" if result.result else "no (see below)"


def _without_node(reason: str) -> str:
    """Ironic's reason without its ``Node <uuid>: `` prefix (the table names the node)."""
    head, _, rest = reason.partition(": ")
    return rest if head.startswith("Node ") and rest else reason


def inspect(stage: Stage) -> None:
    show.step("inspect (out of band): what OneView knows, no ramdisk, no profile, no power action")
    stage.sim.operator.clear_counters()
    nodes = drive(stage, stage.nodes, "inspect", "manageable", oneview=False)
    show.table(
        ["node", "cpus", "cpu_arch", "memory_mb", "local_gb", "ports (MAC, PXE)"],
        (
            (
                name,
                node.properties.get("cpus"),
                node.properties.get("cpu_arch"),
                node.properties.get("memory_mb"),
                node.properties.get("local_gb"),
                _ports(stage, node.id),
            )
            for name, node in nodes.items()
        ),
    )
    first = nodes[stage.nodes[0].name]
    show.say(f"traits of {stage.nodes[0].name}:", 1)
    for trait in sorted(first.traits or []):
        show.say(trait, 2)
    changes = _count(
        stage, "POST /rest/server-profiles", "PUT /rest/server-hardware/{id}/powerState"
    )
    show.say(f"OneView requests that changed anything during inspection: {changes}", 1)


def _ports(stage: Stage, node_id: str) -> str:
    ports = stage.baremetal.ports(node_id=node_id, details=True)
    return ", ".join(
        f"{p.address}{' (PXE)' if p.is_pxe_enabled else ''}"
        for p in sorted(ports, key=lambda p: p.address)
    )


def _count(stage: Stage, *requests: str) -> int:
    counters = stage.sim.operator.counters()
    return sum(counters.get(request, 0) for request in requests)


def provide(stage: Stage) -> None:
    show.step("provide: automated cleaning, on a server profile Ironic applies and then removes")
    drive(stage, stage.nodes, "provide", "available")
    wait_profiles_removed(stage, stage.nodes)
    for node in stage.nodes:
        seen = stage.sim.operator.agent(node.server_uri)
        boots = ", ".join(f"{b['device']}: {b['runs']}" for b in seen["boots"])
        events = [e["event"] for e in (seen["disk"] or {}).get("history", [])]
        show.say(
            f"{node.name}: booted ({boots}); the virtual agent ran {', '.join(events) or '-'}",
            1,
        )


def wait_profiles_removed(stage: Stage, nodes: list[DemoNode], timeout: float = 60.0) -> None:
    """Ironic removes a profile in the background once cleaning is over (the node is
    ``available`` at once, its conductor is not held while OneView deletes it): wait for
    OneView to report the servers free."""
    started = time.monotonic()
    waiting = {node.server_uri: node for node in nodes}
    while waiting:
        for uri in list(waiting):
            if stage.ov.server_hardware.get(uri).server_profile_uri is None:
                waiting.pop(uri)
        if not waiting:
            break
        if time.monotonic() - started > timeout:
            names = ", ".join(node.name for node in waiting.values())
            raise DemoFailure(f"the server profiles of {names} are still there after {timeout} s")
        time.sleep(0.2)
    show.say(
        f"OneView removed the profiles in the background, {time.monotonic() - started:.1f} s "
        "after the nodes became available",
        1,
    )


def deploy(stage: Stage, node: DemoNode) -> None:
    show.step(f"deploy {node.name}: a server profile from {node.template_name}, then the image")
    with ImageServer(IMAGE_CONTENT, IMAGE_NAME) as image:
        show.say(f"image {image.url} ({len(IMAGE_CONTENT)} bytes)", 1)
        info = {
            "image_source": image.url,
            "image_os_hash_algo": "sha256",
            "image_os_hash_value": image.sha256,
        }
        stage.baremetal.update_node(node.id, instance_info=info)
        started = time.monotonic()
        drive(stage, [node], "active", "active")
    show.say(f"{node.name} is active after {time.monotonic() - started:.1f} s", 1)
    seen = stage.sim.operator.agent(node.server_uri)
    written = (seen["disk"] or {}).get("image")
    if not written:
        raise DemoFailure(f"{node.name} is active but the virtual agent wrote no image")
    show.say("the image written on the server's disk (as the simulator recorded it):", 1)
    show.fields(
        [
            ("image", written["url"]),
            ("size", f"{written['size']} bytes"),
            (written["os_hash_algo"], written["os_hash_value"]),
            ("written at", written["written_at"]),
            ("by the agent of node", written["node_uuid"]),
        ],
        indent=2,
    )
    boots = ", ".join(f"{b['device']}: {b['runs']}" for b in seen["boots"][-2:])
    show.say(f"the server's last boots: {boots}", 1)


def show_oneview_side(stage: Stage, node: DemoNode) -> None:
    show.step(f"OneView's side of {node.name}: the profile Ironic applied")
    ov = stage.ov
    server = ov.server_hardware.get(node.server_uri)
    profile = ov.server_profiles.get(server.server_profile_uri or "")
    template = ov.server_profile_templates.get(profile.server_profile_template_uri or "")
    preview = ov.server_profiles.compliance_preview(profile)
    drift = [*preview.manual_updates, *preview.automatic_updates]
    show.fields(
        [
            ("server profile", f"{profile.name} ({profile.uri})"),
            ("description", profile.description),
            ("template", f"{template.name}, still linked: {profile.template_compliance}"),
            *(("  differs by", change) for change in drift),
            ("boot", f"{profile.boot_mode}, order {', '.join(profile.boot_order)}"),
            *(
                (f"connection {c.id}", f"{c.name} on {c.port_id}, MAC {c.mac}, {c.boot_priority}")
                for c in profile.connections
            ),
            ("firmware baseline", _last_segment(profile.firmware_baseline_uri)),
            ("server hardware", f"{server.name}: {server.state}, power {server.power_state}"),
        ]
    )
    if drift:
        show.say("(Ironic put the disk first after writing the image: the expected difference)", 1)


def _last_segment(uri: str | None) -> str | None:
    return uri.rsplit("/", 1)[-1] if uri else None


def undeploy(stage: Stage, node: DemoNode) -> None:
    profile_uri = stage.ov.server_hardware.get(node.server_uri).server_profile_uri
    show.step(f"undeploy {node.name}: cleaning on the same profile, then Ironic removes it")
    drive(stage, [node], "deleted", "available")
    wait_profiles_removed(stage, [node])
    try:
        stage.ov.server_profiles.get(profile_uri or "")
        gone = f"server profile {node.profile_name} is STILL THERE ({profile_uri})"
    except NotFound:
        gone = f"server profile {node.profile_name} removed from OneView (GET {profile_uri}: 404)"
    server = stage.ov.server_hardware.get(node.server_uri)
    show.say(gone, 1)
    show.say(f"{server.name}: {server.state}, power {server.power_state}", 1)
