"""A ``oneview`` node's whole life in a real Ironic, checking OneView's side at each step.

Nothing stands in for anything: the node boots ``pxe`` and deploys with ``oneview-direct``;
the ramdisk is the simulator's virtual agent (the agent lab of conftest: a simulator started
with ``--ironic-url`` of its own Ironic), which writes a loopback-served image. Profiles,
power, boot devices and the Ironic state machine are the real code paths.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.image_server import ImageServer
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab
from .nodes import enroll_booting

pytestmark = pytest.mark.functional

IMAGE_BYTES = b"a whole-disk image for the lifecycle\n" * 1024
POSTS = ("POST", "/rest/server-profiles")
DELETES = ("DELETE", "/rest/server-profiles/{id}")


IMAGE: dict[str, str] = {}  # the instance_info of the image served for the test


@pytest.fixture
def fast_sim(lab: AgentLab) -> Any:
    """The agent lab's simulator, reset, with profile tasks taking ~0.1 s."""
    return lab.sim


@pytest.fixture
def baremetal(lab: AgentLab) -> Any:
    return lab.ironic.connection().baremetal


@pytest.fixture(autouse=True)
def image() -> Iterator[ImageServer]:
    with ImageServer(IMAGE_BYTES) as server:
        IMAGE.clear()
        IMAGE.update(
            image_source=server.url, image_os_hash_algo="sha256", image_os_hash_value=server.sha256
        )
        yield server
    IMAGE.clear()


def enroll_for_deploy(baremetal: Any, sim: Any, server: str = seed.BLADE, **fields: Any) -> Any:
    fields.setdefault("name", "life-1")
    return enroll_booting(baremetal, sim, server, seed.TEMPLATE, **fields)


def disk_events(sim: Any, server_uri: str) -> list[str]:
    disk = sim.operator.agent(server_uri)["disk"]
    return [event["event"] for event in disk["history"]] if disk else []


def available(baremetal: Any, node: Any) -> Any:
    move_node(baremetal, node.id, "manage")
    return move_node(baremetal, node.id, "provide")


def deploy(baremetal: Any, node: Any, **instance_info: Any) -> Any:
    baremetal.update_node(node.id, instance_info={**IMAGE, **instance_info})
    return move_node(baremetal, node.id, "active")


def test_enroll_manage_inspect_provide_deploy_undeploy(baremetal, fast_sim) -> None:
    side = OneViewSide(fast_sim)
    server_uri = uris_of(fast_sim).server(seed.BLADE)
    template_uri = uris_of(fast_sim).template(seed.TEMPLATE)
    node = enroll_for_deploy(baremetal, fast_sim)

    managed = move_node(baremetal, node.id, "manage")
    assert managed.power_state == "power off"
    assert side.get(server_uri)["serverProfileUri"] is None

    inspected = move_node(baremetal, node.id, "inspect")
    assert "CUSTOM_OV_FIRMWARE_SY_2024_04_01" in inspected.traits
    assert side.get(server_uri)["serverProfileUri"] is None  # out of band: no profile

    fast_sim.operator.clear_counters()
    provided = move_node(baremetal, node.id, "provide")  # automated cleaning
    assert provided.provision_state == "available"
    assert disk_events(fast_sim, server_uri) == ["erase_devices_metadata"]  # by the agent
    assert fast_sim.operator.count(*POSTS) == 1  # cleaning ran on a profile...
    assert fast_sim.operator.count(*DELETES) == 1  # ...removed at the end
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the removal")
    assert side.get(server_uri)["powerState"] == "Off"

    active = deploy(baremetal, node)
    profile_uri = side.get(server_uri)["serverProfileUri"]
    assert profile_uri is not None
    assert active.driver_internal_info["applied_server_profile_uri"] == profile_uri
    profile = side.get(profile_uri)
    assert profile["name"] == "ironic-life-1"
    assert profile["serverProfileTemplateUri"] == template_uri  # still linked
    assert profile["boot"]["order"][0] == "HardDisk"  # booted from disk after the image
    # Ironic's boot order is the one difference OneView reports against the template
    preview = side.get(f"{profile_uri}/compliance-preview")
    drift = preview["manualUpdates"] + preview["automaticUpdates"]
    assert drift and all("boot order" in change for change in drift)
    assert side.get(server_uri)["powerState"] == "On"
    assert active.power_state == "power on"
    written = fast_sim.operator.agent(server_uri)["disk"]["image"]
    assert (written["url"], written["os_hash_value"]) == (
        IMAGE["image_source"],
        IMAGE["image_os_hash_value"],
    )

    undeployed = move_node(baremetal, node.id, "deleted")
    assert undeployed.provision_state == "available"
    assert "applied_server_profile_uri" not in undeployed.driver_internal_info
    assert side.rest.call("GET", profile_uri).status_code == 404
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the removal")
    assert side.get(server_uri)["state"] == "NoProfileApplied"
    assert side.get(server_uri)["powerState"] == "Off"


def test_a_failed_profile_apply_fails_the_deploy_with_oneviews_message(baremetal, fast_sim):
    side = OneViewSide(fast_sim)
    server_uri = uris_of(fast_sim).server(seed.BLADE_2)
    node = available(baremetal, enroll_for_deploy(baremetal, fast_sim, seed.BLADE_2))
    fast_sim.operator.fail_next_task(
        "SERVER_PROFILE_APPLY_FAILED",
        "Unable to configure the adapter in Mezzanine slot 3.",
        name="Create",
        resource_category="server-profiles",
    )

    failed = deploy_expecting_failure(baremetal, node)

    assert "Unable to configure the adapter in Mezzanine slot 3." in failed.last_error
    assert "SERVER_PROFILE_APPLY_FAILED" in failed.last_error
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the profile's removal")
    names = side.rest.call("GET", "/rest/server-profiles?filter=name='ironic-life-1'").json()
    assert names["members"] == []
    assert "applied_server_profile_uri" not in failed.driver_internal_info


def test_a_deploy_on_a_server_a_oneview_user_took_is_refused_and_the_user_keeps_it(
    baremetal, fast_sim
):
    side = OneViewSide(fast_sim)
    server_uri = uris_of(fast_sim).server(seed.BLADE_2)
    node = available(baremetal, enroll_for_deploy(baremetal, fast_sim, seed.BLADE_2))
    wait_for(lambda: side.get(server_uri)["serverProfileUri"] is None, "the cleaning's removal")
    taken = fast_sim.operator.apply_foreign_profile(server_uri, "analytics")

    failed = deploy_expecting_failure(baremetal, node)

    assert "in use by a OneView user" in failed.last_error
    assert side.get(server_uri)["serverProfileUri"] == taken["serverProfileUri"]


def test_a_required_firmware_baseline_the_template_does_not_install_is_refused(baremetal, fast_sim):
    node = available(baremetal, enroll_for_deploy(baremetal, fast_sim, seed.BLADE_2))
    baremetal.update_node(
        node.id, instance_info={**IMAGE, "oneview_required_firmware_baseline": "SY-2023.10.01"}
    )
    fast_sim.operator.clear_counters()

    baremetal.set_node_provision_state(node.id, "active")  # validate is offline: accepted
    failed = wait_for_state(baremetal, node.id, "deploy failed")

    assert "requires firmware baseline 'SY-2023.10.01'" in failed.last_error
    assert "SY-2024.04.01" in failed.last_error
    assert fast_sim.operator.count(*POSTS) == 0, "refused before any profile is applied"


def test_the_required_baseline_the_template_installs_deploys(baremetal, fast_sim) -> None:
    node = available(baremetal, enroll_for_deploy(baremetal, fast_sim, seed.BLADE_2))

    active = deploy(baremetal, node, oneview_required_firmware_baseline="SY-2024.04.01")

    assert active.provision_state == "active"


def test_session_expiry_mid_deploy_is_transparent(baremetal, fast_sim) -> None:
    node = available(baremetal, enroll_for_deploy(baremetal, fast_sim, seed.BLADE_2))
    # Slow the profile's task down so that the sessions expire while Ironic waits for it.
    fast_sim.operator.add_fault("/rest/tasks/*", method="GET", latency_ms=150)
    baremetal.update_node(node.id, instance_info=dict(IMAGE))
    fast_sim.operator.clear_counters()
    baremetal.set_node_provision_state(node.id, "active")
    wait_for(lambda: fast_sim.operator.count(*POSTS) == 1, "the profile's creation")
    logins_before = fast_sim.operator.count("POST", "/rest/login-sessions")

    assert fast_sim.operator.expire_sessions() >= 1
    fast_sim.operator.clear_faults()
    active = wait_for_state(baremetal, node.id, "active")

    assert active.last_error is None
    assert fast_sim.operator.count("POST", "/rest/login-sessions") > logins_before


def deploy_expecting_failure(baremetal: Any, node: Any) -> Any:
    """Deploy, and wait until Ironic gives up: the node in ``deploy failed``."""
    baremetal.update_node(node.id, instance_info=dict(IMAGE))
    baremetal.set_node_provision_state(node.id, "active")
    return wait_for_state(baremetal, node.id, "deploy failed")


def wait_for_state(baremetal: Any, node_id: str, state: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        node = baremetal.get_node(node_id)
        settled = not node.target_provision_state or state.endswith("failed")
        if node.provision_state == state and settled:
            return node
        if node.provision_state.endswith("failed") or time.monotonic() > deadline:
            raise AssertionError(
                f"node {node_id} is {node.provision_state!r}, not {state!r}: {node.last_error}"
            )
        time.sleep(0.1)
