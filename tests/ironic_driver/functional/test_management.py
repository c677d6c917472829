"""The management interface in a real Ironic: the UID light through Ironic's indicator API,
sensor data as the conductor sends it, health, and secure boot through a deploy.

python-ironicclient 5 has no ``node indicator`` command, so the indicator tests call the API
it would call (``/v1/nodes/{node}/management/indicators``, microversion 1.63+).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from oneview_openstack.testing.ironic_nodes import ProvisioningError, move_node
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.simulator import SimulatorHandle
from oneview_openstack.testing.waiting import wait_for

from .. import oneview_seed as seed
from ..oneview_seed import OneViewSide, uris_of
from .conftest import AgentLab, oneview_section
from .nodes import enroll, enroll_booting

pytestmark = pytest.mark.functional

LATEST = {"X-OpenStack-Ironic-API-Version": "latest"}


def indicators_url(ironic: IronicService, node_id: str, name: str = "") -> str:
    return f"{ironic.url}/v1/nodes/{node_id}/management/indicators/{name}".rstrip("/")


# -- the UID light ----------------------------------------------------------------------------


def test_the_uid_light_is_set_and_read_through_ironics_indicator_api(ironic, baremetal, sim):
    uris = uris_of(sim)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    server_id = uris.server(seed.BLADE).rsplit("/", 1)[-1]

    listed = requests.get(indicators_url(ironic, node.id), headers=LATEST, timeout=30).json()
    url = indicators_url(ironic, node.id, f"{server_id}@system")
    put = requests.put(url, json={"state": "blinking"}, headers=LATEST, timeout=30)
    read = requests.get(url, headers=LATEST, timeout=30).json()

    (indicator,) = listed["indicators"]
    assert (indicator["name"], indicator["component"]) == (f"{server_id}@system", "system")
    assert indicator["states"] == ["blinking", "off", "on"]
    assert put.status_code == 204, put.text
    assert OneViewSide(sim).get(uris.server(seed.BLADE))["uidState"] == "Blink"
    assert read == {"state": "blinking"}


def test_an_indicator_state_oneview_does_not_have_is_refused(ironic, baremetal, sim):
    uris = uris_of(sim)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    server_id = uris.server(seed.BLADE).rsplit("/", 1)[-1]
    url = indicators_url(ironic, node.id, f"{server_id}@system")

    response = requests.put(url, json={"state": "purple"}, headers=LATEST, timeout=30)

    assert response.status_code == 400
    assert "allowed: blinking, off, on" in response.text
    assert OneViewSide(sim).get(uris.server(seed.BLADE))["uidState"] == "Off"


def test_the_light_oneview_fails_to_turn_on_is_an_error(ironic, baremetal, sim):
    uris = uris_of(sim)
    node = enroll(baremetal, uris, seed.BLADE, seed.TEMPLATE)
    server_id = uris.server(seed.BLADE).rsplit("/", 1)[-1]
    busy = "Server hardware is busy."
    sim.operator.add_fault("/rest/server-hardware/*", method="PATCH", status=409, message=busy)
    url = indicators_url(ironic, node.id, f"{server_id}@system")

    response = requests.put(url, json={"state": "on"}, headers=LATEST, timeout=30)

    assert response.status_code >= 400
    assert "turning the UID light on failed" in response.text
    assert busy in response.text


# -- sensor data and health, as the conductor collects them ----------------------------------


@pytest.fixture(scope="module")
def monitoring_ironic(
    tmp_path_factory: pytest.TempPathFactory, simulator: SimulatorHandle
) -> Iterator[IronicService]:
    """An Ironic sending sensor data every second (to its log) and caching health."""
    sections = {
        "sensor_data": {
            "send_sensor_data": True,
            "interval": 1,
            "enable_for_undeployed_nodes": True,
        },
        "oslo_messaging_notifications": {"driver": "log"},
    }
    conductor = {"sync_power_state_interval": 1, "enable_health_monitoring": True}
    with IronicService(
        tmp_path_factory.mktemp("ironic-monitoring"),
        oneview=oneview_section(simulator),
        conductor=conductor,
        sections=sections,
    ) as service:
        yield service


@pytest.fixture
def monitored(monitoring_ironic: IronicService, sim: SimulatorHandle) -> Iterator[Any]:
    baremetal = monitoring_ironic.connection().baremetal
    node = enroll(baremetal, uris_of(sim), seed.BLADE, seed.TEMPLATE)
    yield move_node(baremetal, node.id, "manage")
    monitoring_ironic.reset()


def sent_metrics(ironic: IronicService, node_id: str) -> list[dict[str, Any]]:
    """The ``hardware.oneview.metrics`` notifications of *node_id* in Ironic's log."""
    found = []
    for line in ironic.log_text().splitlines():
        start = line.find('{"message_id"')
        if "hardware.oneview.metrics" in line and start >= 0:
            message = json.loads(line[start:])
            if message["payload"]["node_uuid"] == node_id:
                found.append(message)
    return found


def test_the_conductor_sends_oneviews_readings_as_sensor_data(monitoring_ironic, monitored, sim):
    server_uri = uris_of(sim).server(seed.BLADE)
    server_id = server_uri.rsplit("/", 1)[-1]

    message = wait_for(lambda: sent_metrics(monitoring_ironic, monitored.id), "sensor data")[-1]

    payload = message["payload"]["payload"]
    assert message["event_type"] == "hardware.oneview.metrics"
    temperature = payload["Temperature"][f"AmbientTemperature@{server_id}"]
    assert 18 <= temperature["reading_celsius"] <= 35
    assert (temperature["health"], temperature["state"]) == ("OK", "enabled")
    environment = OneViewSide(sim).get(f"{server_uri}/environmentalConfiguration")
    power = payload["Power"][f"Power@{server_id}"]
    assert power["power_capacity_watts"] == environment["calibratedMaxPower"]
    assert payload["Extra"]["Manufacturer"] == "HPE"


def test_sensor_data_oneview_fails_to_give_is_logged_not_sent(monitoring_ironic, monitored, sim):
    sim.operator.add_fault("/rest/server-hardware/*/utilization", status=500,
                           message="Utilization data is not available.")  # fmt: skip
    marker = len(monitoring_ironic.log_text())

    wait_for(
        lambda: "Utilization data is not available." in monitoring_ironic.log_text()[marker:],
        "the failure in Ironic's log",
    )

    sim.operator.clear_faults()
    logged = monitoring_ironic.log_text()[marker:]
    assert f"could not get sensor data for node {monitored.id}" in logged
    assert all(
        "Utilization data is not available." not in json.dumps(m)
        for m in sent_metrics(monitoring_ironic, monitored.id)
    )


def test_the_nodes_health_is_the_servers_oneview_status(monitoring_ironic, monitored):
    node = wait_for(
        lambda: (n := monitoring_ironic.api_get(f"/v1/nodes/{monitored.id}")).get("health") and n,
        "the health cached by the power sync",
    )

    assert node["health"] == "OK"


# -- secure boot, through a deploy ------------------------------------------------------------


def image_info(images: Any) -> dict[str, str]:
    return {
        "image_source": images.url,
        "image_os_hash_algo": "sha256",
        "image_os_hash_value": images.sha256,
        "capabilities": json.dumps({"secure_boot": "true"}),
    }


@pytest.fixture
def images() -> Iterator[Any]:
    from oneview_openstack.testing.image_server import ImageServer

    with ImageServer(b"secure image\n" * 4096) as server:
        yield server


def deploy_with_secure_boot(lab: AgentLab, images: Any, boot_mode: dict[str, Any]) -> Any:
    side = OneViewSide(lab.sim)
    template = uris_of(lab.sim).template(seed.TEMPLATE)
    side.edit(template, bootMode={**side.get(template)["bootMode"], **boot_mode})
    baremetal = lab.ironic.connection().baremetal
    node = enroll_booting(baremetal, lab.sim, seed.BLADE, seed.TEMPLATE, name="secure-1")
    move_node(baremetal, node.id, "manage")
    move_node(baremetal, node.id, "provide")
    baremetal.update_node(node.id, instance_info=image_info(images))
    try:
        return move_node(baremetal, node.id, "active")
    except ProvisioningError:
        return baremetal.get_node(node.id)


def undeploy(lab: AgentLab, node: Any) -> None:
    """Tear the node down as an operator would (its PXE files go with it; deleting a
    deployed node would leave them in the lab's shared PXE root)."""
    baremetal = lab.ironic.connection().baremetal
    assert move_node(baremetal, node.id, "deleted").provision_state == "available"


def test_a_secure_boot_deploy_on_a_template_that_enables_it(lab, images):
    deployed = deploy_with_secure_boot(
        lab, images, {"mode": "UEFIOptimized", "secureBoot": "Enabled"}
    )

    assert deployed.provision_state == "active", deployed.last_error
    assert deployed.is_secure_boot is True
    profile = OneViewSide(lab.sim).get(deployed.driver_internal_info["applied_server_profile_uri"])
    assert profile["bootMode"]["secureBoot"] == "Enabled"
    undeploy(lab, deployed)


def test_a_secure_boot_deploy_on_a_template_in_uefi_mode_fails_naming_why(lab, images):
    deployed = deploy_with_secure_boot(lab, images, {"mode": "UEFI", "secureBoot": "Disabled"})

    assert deployed.provision_state == "deploy failed"
    assert "secure boot cannot be enabled" in deployed.last_error
    assert "only in the UEFIOptimized boot mode" in deployed.last_error
    undeploy(lab, deployed)
