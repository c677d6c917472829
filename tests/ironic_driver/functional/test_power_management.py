"""Power and management of ``oneview`` nodes in a real Ironic, checked on OneView's side."""

from __future__ import annotations

import time

import pytest

from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node
from oneview_openstack.testing.service_process import free_port

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .nodes import PowerActionFailed, enroll, power

APPLIED = "applied_server_profile_uri"

pytestmark = pytest.mark.functional


@pytest.fixture
def side(sim):
    return OneViewSide(sim)


@pytest.fixture
def uris(sim):
    return uris_of(sim)


def test_an_enrolled_node_uses_the_oneview_interfaces_and_validates(baremetal, sim, uris):
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    baremetal.validate_node(node.id, required=())  # the conductor logs in to the reset simulator
    sim.operator.clear_counters()

    results = baremetal.validate_node(node.id, required=("power", "management", "inspect"))

    assert (node.power_interface, node.management_interface, node.inspect_interface) == (
        "oneview",
        "oneview",
        "oneview",
    )
    assert all(results[name].result for name in ("power", "management", "inspect"))
    assert sim.operator.count("GET", "/rest/server-hardware/{id}") <= 1
    assert sim.operator.count("GET", "/rest/server-profile-templates/{id}") <= 1


def test_validate_needs_no_appliance(baremetal, uris):
    dead = f"https://127.0.0.1:{free_port()}"  # nothing listens there
    node = enroll(
        baremetal,
        uris,
        seed.BLADE,
        seed.TEMPLATE,
        driver_info={
            "oneview_manager_url": dead,
            "oneview_username": "ops",
            "oneview_password": "secret",
        },
    )

    results = baremetal.validate_node(node.id, required=())

    assert (results["power"].result, results["inspect"].result) == (True, True)


def test_validate_still_checks_the_nodes_own_settings(baremetal, uris):
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE, driver_info={"oneview_username": "x"})

    results = baremetal.validate_node(node.id, required=())

    assert results["power"].result is False
    assert "driver_info/oneview_password is missing" in results["power"].reason


def test_manage_verifies_the_template_fits_the_server(baremetal, uris):
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE_EDGE)

    with pytest.raises(ProvisioningError):
        move_node(baremetal, node.id, "manage")

    failed = baremetal.get_node(node.id)
    assert failed.provision_state == "enroll"
    assert node.id in failed.last_error and seed.TEMPLATE_EDGE in failed.last_error
    assert "allowed: a template for that enclosure group" in failed.last_error


def test_manage_fails_for_a_server_oneview_does_not_know(baremetal, uris):
    missing = "/rest/server-hardware/00000000-0000-0000-0000-00000000dead"
    node = enroll(baremetal, uris, seed.BLADE, None, driver_info={"server_hardware_uri": missing})

    with pytest.raises(ProvisioningError):
        move_node(baremetal, node.id, "manage")

    error = baremetal.get_node(node.id).last_error
    assert node.id in error
    assert f"driver_info/server_hardware_uri is {missing!r}" in error


def test_the_driver_lists_the_node_fields(ironic):
    properties = ironic.api_get("/v1/drivers/oneview/properties")

    assert properties["server_hardware_uri"].endswith("Required.")
    assert "oneview_manager_url" in properties


def test_manage_then_power_on_off_reboot_and_soft_actions(baremetal, side, uris):
    server_uri = uris.server(seed.BLADE)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    assert move_node(baremetal, node.id, "manage").power_state == "power off"

    observed = []
    for target in (
        "power on",
        "rebooting",
        "soft rebooting",
        "soft power off",
        "power on",
        "power off",
    ):
        power(baremetal, node.id, target)
        observed.append(side.get(server_uri)["powerState"])

    assert observed == ["On", "On", "On", "Off", "On", "Off"]
    assert [name for name, _ in side.tasks_of(server_uri)] == [
        "Power on",
        "Cold boot",
        "Power off",  # soft reboot: shut down...
        "Power on",  # ... and start again
        "Power off",
        "Power on",
        "Power off",
    ]


def test_soft_power_off_ignored_by_the_os_fails_and_leaves_the_server_on(
    baremetal, sim, side, uris
):
    server_uri = uris.server(seed.BLADE)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    power(baremetal, node.id, "power on")
    sim.operator.fail_next_task(
        "SERVER_MOMENTARY_PRESS_OFF_TIMEOUT", "The OS ignored the request.", name="Power off"
    )

    with pytest.raises(PowerActionFailed) as caught:
        power(baremetal, node.id, "soft power off")

    error = str(caught.value)
    assert node.id in error and "'soft power off'" in error
    assert "The OS ignored the request." in error
    assert side.get(server_uri)["powerState"] == "On"
    assert side.tasks_of(server_uri)[-1] == ("Power off", "Error")  # no hard power off


def test_power_refused_on_a_server_another_oneview_user_took(baremetal, sim, side, uris):
    server_uri = uris.server(seed.BLADE)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    move_node(baremetal, node.id, "manage")
    sim.operator.apply_foreign_profile(server_uri, "hpc-team-42")

    with pytest.raises(PowerActionFailed) as caught:
        power(baremetal, node.id, "power on")

    error = str(caught.value)
    assert node.id in error
    assert "'hpc-team-42'" in error
    assert "in use by a OneView user" in error
    assert side.get(server_uri)["powerState"] == "Off"


def node_with_ironics_profile(baremetal, side, uris):
    """A node on the seed's blade whose server carries the profile Ironic applied to it.

    Only the driver writes its ownership record (``driver_internal_info``); a test gets one
    as an upgraded node does: the profile named and described as Ironic names its own, the
    older release's record in ``driver_info``, which the driver moves once it has seen
    OneView hold that profile on the node's server. The server's URI, the profile's URI and
    the node.
    """
    server_uri = uris.server(seed.BLADE)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE, name="upgraded-node")
    profile = side.create_profile(uris.template(seed.TEMPLATE), server_uri, "ironic-upgraded-node")
    side.edit(profile, description=f"Applied by OpenStack Ironic to node {node.id}.")
    info = {**node.driver_info, "applied_server_profile_uri": profile}
    baremetal.update_node(node.id, driver_info=info)
    deadline = time.monotonic() + 30
    while baremetal.get_node(node.id).driver_internal_info.get(APPLIED) != profile:
        assert time.monotonic() < deadline, "the driver did not take over the ownership record"
        time.sleep(0.2)
    assert APPLIED not in baremetal.get_node(node.id).driver_info
    return server_uri, profile, baremetal.get_node(node.id)


def test_one_time_boot_device_leaves_the_profile_boot_order_alone(baremetal, side, uris):
    server_uri, profile, node = node_with_ironics_profile(baremetal, side, uris)

    baremetal.set_node_boot_device(node.id, "cdrom", persistent=False)

    assert side.get(server_uri)["oneTimeBoot"] == "CDROM"
    assert side.get(profile)["boot"]["order"] == ["PXE", "HardDisk"]
    assert baremetal.get_node_boot_device(node.id) == {"boot_device": "cdrom", "persistent": False}


def test_the_one_time_boot_device_is_used_by_one_boot_only(baremetal, side, uris):
    server_uri, profile, node = node_with_ironics_profile(baremetal, side, uris)
    baremetal.set_node_boot_device(node.id, "cdrom", persistent=False)

    power(baremetal, node.id, "power on")

    assert side.get(server_uri)["oneTimeBoot"] == "Normal"
    assert baremetal.get_node_boot_device(node.id) == {"boot_device": "pxe", "persistent": True}


def test_persistent_boot_device_rewrites_the_profile_boot_order(baremetal, side, uris):
    server_uri, profile, node = node_with_ironics_profile(baremetal, side, uris)

    baremetal.set_node_boot_device(node.id, "disk", persistent=True)

    assert side.get(profile)["boot"]["order"] == ["HardDisk", "PXE"]
    assert side.get(server_uri)["oneTimeBoot"] == "Normal"
    assert baremetal.get_node_boot_device(node.id) == {"boot_device": "disk", "persistent": True}


def test_supported_boot_devices(baremetal, uris):
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)

    supported = baremetal.get_node_supported_boot_devices(node.id)

    assert set(supported["supported_boot_devices"]) == {"pxe", "disk", "cdrom"}
