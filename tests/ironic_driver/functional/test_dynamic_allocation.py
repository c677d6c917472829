"""Dynamic allocation, lost profiles and power sync in a real Ironic with fast periodic tasks.

This module's Ironic runs the OneView periodic task and the conductor's power sync every
second (instead of 300 s and 60 s), in an agent lab of its own (conftest): nodes boot
``pxe`` and clean and deploy (``oneview-direct``) through the simulator's virtual agents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.client import OneViewClient
from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_bulk import clone_nodes
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab, oneview_section, running_agent_lab
from .nodes import enroll, enroll_booting

pytestmark = pytest.mark.functional

IMAGE_BYTES = b"a whole-disk image for dynamic allocation\n" * 1024
PERIOD_LINE = "OneView dynamic allocation period: "
FAST_PERIODICS = {
    "sync_power_state_interval": 1,
    "power_state_sync_max_retries": 1,
    "power_failure_recovery_interval": 1,
}


@pytest.fixture(scope="module")
def periodic_lab(
    tmp_path_factory: pytest.TempPathFactory, simulator_cert_dir: Path
) -> Iterator[AgentLab]:
    with running_agent_lab(
        tmp_path_factory.mktemp("periodic-lab"),
        simulator_cert_dir,
        oneview={"periodic_check_interval": 1, "inventory_max_age": 2},
        conductor=FAST_PERIODICS,
    ) as lab:
        yield lab


@pytest.fixture
def periodic_ironic(periodic_lab: AgentLab) -> IronicService:
    return periodic_lab.ironic


@pytest.fixture
def sim(periodic_lab: AgentLab) -> Any:
    """This module's simulator (not the session's), reset."""
    periodic_lab.sim.operator.reset()
    return periodic_lab.sim


@pytest.fixture
def bm(periodic_ironic: IronicService, sim: Any) -> Iterator[Any]:
    yield periodic_ironic.connection().baremetal
    periodic_ironic.reset()


def until(baremetal: Any, node_id: str, check: Callable[[Any], bool], what: str) -> Any:
    """The node once *check* holds (polled every 0.1 s, for at most 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        node = baremetal.get_node(node_id)
        if check(node):
            return node
        if time.monotonic() > deadline:
            raise AssertionError(
                f"node {node_id} never {what}: {node.provision_state}, maintenance "
                f"{node.is_maintenance} ({node.maintenance_reason}), last_error {node.last_error}"
            )
        time.sleep(0.1)


def available_node(baremetal: Any, sim: Any, server: str, name: str) -> Any:
    """A node cleaned into available, once its cleaning profile's removal (in the background)
    ended."""
    node = enroll_booting(baremetal, sim, server, seed.TEMPLATE, name=name)
    move_node(baremetal, node.id, "manage")
    provided = move_node(baremetal, node.id, "provide")
    server_uri = uris_of(sim).server(server)
    deadline = time.monotonic() + 30
    while OneViewSide(sim).get(server_uri)["serverProfileUri"] is not None:
        assert time.monotonic() < deadline, "the cleaning profile was not removed"
        time.sleep(0.1)
    return provided


def test_a_claimed_server_takes_its_node_out_of_available_and_back(bm, sim) -> None:
    side = OneViewSide(sim)
    server_uri = uris_of(sim).server(seed.BLADE)
    node = available_node(bm, sim, seed.BLADE, "dyn-1")

    claimed = sim.operator.apply_foreign_profile(server_uri, "analytics-team")
    taken = until(bm, node.id, lambda n: n.provision_state == "manageable", "left available")

    assert taken.is_maintenance
    assert taken.maintenance_reason.startswith("In use by OneView")
    assert "'analytics-team'" in taken.maintenance_reason
    assert side.get(server_uri)["serverProfileUri"] == claimed["serverProfileUri"]

    sim.operator.clear_counters()
    sim.operator.remove_foreign_profile(server_uri)
    back = until(
        bm,
        node.id,
        lambda n: n.provision_state == "available" and not n.is_maintenance,
        "came back",
    )

    assert back.maintenance_reason is None
    assert sim.operator.count("POST", "/rest/server-profiles") == 1  # cleaned on a profile
    assert sim.operator.count("DELETE", "/rest/server-profiles/{id}") == 1
    assert side.get(server_uri)["serverProfileUri"] is None


def test_maintenance_an_operator_set_is_left_alone(bm, sim, periodic_ironic) -> None:
    server_uri = uris_of(sim).server(seed.BLADE_2)
    node = available_node(bm, sim, seed.BLADE_2, "dyn-2")
    bm.set_node_maintenance(node.id, reason="replacing a fan")
    sim.operator.apply_foreign_profile(server_uri, "analytics-team")

    wait_for_periods(periodic_ironic, 2)

    node = bm.get_node(node.id)
    assert (node.provision_state, node.maintenance_reason) == ("available", "replacing a fan")


def test_an_active_node_whose_profile_was_deleted_in_oneview_is_flagged(bm, sim) -> None:
    server_uri = uris_of(sim).server(seed.BLADE_BIG)
    node = available_node(bm, sim, seed.BLADE_BIG, "dyn-3")
    with ImageServer(IMAGE_BYTES) as image:
        info = {
            "image_source": image.url,
            "image_os_hash_algo": "sha256",
            "image_os_hash_value": image.sha256,
        }
        bm.update_node(node.id, instance_info=info)
        move_node(bm, node.id, "active")
    profile = OneViewSide(sim).get(server_uri)["serverProfileUri"]

    sim.operator.remove_foreign_profile(server_uri)  # an administrator deletes it
    flagged = until(bm, node.id, lambda n: n.is_maintenance, "was flagged")

    assert flagged.provision_state == "active"
    assert flagged.maintenance_reason.startswith("Server profile lost in OneView")
    assert profile in flagged.maintenance_reason
    assert flagged.last_error == flagged.maintenance_reason


def test_unreachable_oneview_shows_as_power_error_and_recovers(bm, sim) -> None:
    node = enroll(bm, uris_of(sim), seed.BLADE_EDGE, None, name="dyn-4")
    move_node(bm, node.id, "manage")
    until(bm, node.id, lambda n: n.power_state == "power off", "got its power state")

    sim.operator.add_fault("/rest/*", drop_connection=True)
    broken = until(bm, node.id, lambda n: n.power_state == "error", "reported power error")

    assert broken.is_maintenance
    assert broken.fault == "power failure"

    sim.operator.clear_faults()
    recovered = until(
        bm, node.id, lambda n: not n.is_maintenance and n.power_state == "power off", "recovered"
    )
    assert recovered.fault is None


def test_power_sync_leaves_a_server_a_oneview_user_holds_as_they_set_it(bm, sim) -> None:
    side = OneViewSide(sim)
    server_uri = uris_of(sim).server(seed.BLADE_2)
    node = enroll(bm, uris_of(sim), seed.BLADE_2, seed.TEMPLATE, name="sync-held")
    move_node(bm, node.id, "manage")
    until(bm, node.id, lambda n: n.power_state == "power off", "got its power state")

    sim.operator.apply_foreign_profile(server_uri, "render-farm")
    side.power(server_uri, "On")  # the OneView user starts the server they took
    recorded = until(bm, node.id, lambda n: n.power_state == "power on", "recorded power on")

    assert not recorded.is_maintenance and recorded.fault is None
    assert side.get(server_uri)["powerState"] == "On"
    assert [name for name, _ in side.tasks_of(server_uri)][-1] == "Power on"  # no power off


def test_power_sync_still_restores_a_server_nobody_holds(bm, sim) -> None:
    """On the blade the previous test handed to a OneView user: the conductor's listing may
    still show their profile, which must not stop the sync."""
    side = OneViewSide(sim)
    server_uri = uris_of(sim).server(seed.BLADE_2)
    node = enroll(bm, uris_of(sim), seed.BLADE_2, seed.TEMPLATE, name="sync-free")
    move_node(bm, node.id, "manage")
    until(bm, node.id, lambda n: n.power_state == "power off", "got its power state")

    side.power(server_uri, "On")  # powered on behind Ironic's back, no profile
    deadline = time.monotonic() + 60  # a sync every second; slack for a busy machine
    while side.get(server_uri)["powerState"] != "Off":
        assert time.monotonic() < deadline, "the power sync did not power the server off"
        time.sleep(0.1)

    assert not bm.get_node(node.id).is_maintenance


def periods_logged(ironic: IronicService) -> int:
    return ironic.log_text().count(PERIOD_LINE)


def wait_for_periods(ironic: IronicService, count: int) -> None:
    """Until the periodic task logged *count* more periods."""
    target = periods_logged(ironic) + count
    deadline = time.monotonic() + 30
    while periods_logged(ironic) < target:
        assert time.monotonic() < deadline, "the OneView periodic task does not run"
        time.sleep(0.05)


@pytest.mark.slow
def test_oneview_calls_per_period_stay_constant_from_10_to_1000_nodes(
    make_simulator, tmp_path
) -> None:
    """One period of the periodic task costs the same calls whatever the number of nodes:
    one paged listing of the appliance's 1,050 servers (3 pages of 500), nothing per node.

    One node is enrolled and provided through the API, the others are copies of it written
    with Ironic's own table definition (the API takes a minute for 1,000 nodes). The power
    sync is off so that the counters are the periodic task's alone.
    """
    big = make_simulator(servers=1050)  # 1 in 100 carries a OneView user's profile
    with OneViewClient(big.url, big.username, big.password, ca_file=big.ca_file) as ov:
        free = [s.uri for s in ov.server_hardware.list() if not s.server_profile_uri]
    assert len(free) >= 1000
    oneview = {**oneview_section(big), "periodic_check_interval": 1, "inventory_page_size": 500}
    # no cleaning: the node has no template and no agent runs on this simulator
    conductor = {"sync_power_state_interval": 0, "automated_clean": False}
    with IronicService(tmp_path / "ironic", oneview=oneview, conductor=conductor) as ironic:
        baremetal = ironic.connection().baremetal
        first = baremetal.create_node(
            driver="oneview",
            name="scale-0",
            driver_info={"server_hardware_uri": free[0]},
        )
        move_node(baremetal, first.id, "manage")
        move_node(baremetal, first.id, "provide")
        per_period = {}
        for size in (10, 100, 1000):
            enrolled = len(list(baremetal.nodes()))
            copies = [
                {"name": f"scale-{i}", "driver_info": {"server_hardware_uri": free[i]}}
                for i in range(enrolled, size)
            ]
            clone_nodes(ironic.database_path, first.id, copies)
            per_period[size] = calls_per_period(ironic, big, watching=size)

    one_listing = {"GET /rest/server-hardware": 3.0}  # ceil(1,050 / 500) pages
    assert per_period == {10: one_listing, 100: one_listing, 1000: one_listing}


def calls_per_period(ironic: IronicService, sim: Any, watching: int, periods: int = 3):
    """OneView calls per period, counted over *periods* whole periods that watched
    *watching* nodes (the counters are cleared just after a period ends)."""
    wait_for(lambda: last_period_watched(ironic) == watching, "all nodes watched")
    ended = periods_logged(ironic)
    wait_for(lambda: periods_logged(ironic) > ended, "a period ended")
    sim.operator.clear_counters()
    start = periods_logged(ironic)
    wait_for(lambda: periods_logged(ironic) >= start + periods, f"{periods} periods")
    return {key: count / periods for key, count in sim.operator.counters().items()}


def last_period_watched(ironic: IronicService) -> int | None:
    lines = [line for line in ironic.log_text().splitlines() if PERIOD_LINE in line]
    if not lines:
        return None
    return int(lines[-1].split(PERIOD_LINE, 1)[1].split(" node", 1)[0])
