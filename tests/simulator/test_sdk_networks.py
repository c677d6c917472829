"""The official hpeOneView SDK, unchanged, managing the simulator's networking.

Every scenario runs at API 800 (the SDK sends its ``type`` strings) and at the
simulator's current version (the SDK sends none). Tasks finish at once (time
scale 0) so the SDK's one-second task polling does not slow the suite down.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException, HPEOneViewTaskError
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = [
    pytest.mark.functional,
    # The SDK's own TLS setup; not ours to change.
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]

CURRENT_VERSION = 4600


@pytest.fixture(params=[800, 2400, CURRENT_VERSION], ids=["api800", "api2400", "current"])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    sim.operator.set_config(time_scale=0)
    config = {
        "ip": sim.host,
        "credentials": {"userName": sim.username, "password": sim.password},
        "api_version": request.param,
        "ssl_certificate": sim.ca_file,
    }
    return OneViewClient(config)


def network_data(name: str, vlan: int) -> dict[str, Any]:
    return {
        "name": name,
        "vlanId": vlan,
        "ethernetNetworkType": "Tagged",
        "purpose": "General",
        "smartLink": False,
        "privateNetwork": False,
    }


def test_create_get_and_delete_a_network(client: OneViewClient) -> None:
    created = client.ethernet_networks.create(network_data("sdk-net-501", 501))

    found = client.ethernet_networks.get_by_name("sdk-net-501")
    deleted = found.delete()

    assert created.data["vlanId"] == 501
    assert found.data["uri"] == created.data["uri"]
    assert deleted is True
    assert client.ethernet_networks.get_by_name("sdk-net-501") is None


def test_bulk_create_returns_the_range(client: OneViewClient) -> None:
    bulk = {
        "namePrefix": "sdkbulk",
        "vlanIdRange": "511-513,520",
        "purpose": "General",
        "smartLink": False,
        "privateNetwork": False,
        "bandwidth": {"maximumBandwidth": 10000, "typicalBandwidth": 2000},
    }

    created = client.ethernet_networks.create_bulk(bulk)

    assert sorted((net["name"], net["vlanId"]) for net in created) == [
        ("sdkbulk_511", 511), ("sdkbulk_512", 512), ("sdkbulk_513", 513), ("sdkbulk_520", 520),
    ]  # fmt: skip


def test_update_a_network(client: OneViewClient) -> None:
    created = client.ethernet_networks.create(network_data("sdk-net-502", 502))

    created.update({"name": "sdk-net-502-renamed", "purpose": "Management"})

    again = client.ethernet_networks.get_by_uri(created.data["uri"])
    assert (again.data["name"], again.data["purpose"]) == ("sdk-net-502-renamed", "Management")


def test_add_networks_to_an_uplink_set(client: OneViewClient) -> None:
    client.ethernet_networks.create(network_data("sdk-net-503", 503))
    uplink_set = client.uplink_sets.get_by_name("US-Edge-Tenants")

    uplink_set.add_ethernet_networks(["sdk-net-503"])

    carried = {net.data["name"] for net in uplink_set.get_ethernet_networks()}
    assert carried == {"tenant-103", "tenant-104", "sdk-net-503"}
    network = client.ethernet_networks.get_by_name("sdk-net-503")
    assert network.get_associated_uplink_groups() == [uplink_set.data["uri"]]


def test_remove_a_network_from_an_uplink_set(client: OneViewClient) -> None:
    uplink_set = client.uplink_sets.get_by_name("US-Edge-Tenants")

    uplink_set.remove_ethernet_networks(["tenant-104"])

    refreshed = client.uplink_sets.get_by_uri(uplink_set.data["uri"])
    names = {
        client.ethernet_networks.get_by_uri(u).data["name"] for u in refreshed.data["networkUris"]
    }
    assert names == {"tenant-103"}


def test_lig_update_then_logical_interconnect_compliance(client: OneViewClient) -> None:
    network = client.ethernet_networks.create(network_data("sdk-net-504", 504))
    lig = client.logical_interconnect_groups.get_by_name("LIG-Edge")
    data = copy.deepcopy(lig.data)
    for entry in data["uplinkSets"]:
        if entry["name"] == "US-Edge-Tenants":
            entry["networkUris"].append(network.data["uri"])

    lig.update(data)
    li = client.logical_interconnects.get_by_name("Frame3-LIG-Edge")
    before = li.data["consistencyStatus"]
    li.update_compliance()

    after = client.logical_interconnects.get_by_name("Frame3-LIG-Edge")
    assert (before, after.data["consistencyStatus"]) == ("NOT_CONSISTENT", "CONSISTENT")
    uplink_set = client.uplink_sets.get_by_name("US-Edge-Tenants")
    assert network.data["uri"] in uplink_set.data["networkUris"]


def test_logical_interconnect_internal_networks_and_settings(client: OneViewClient) -> None:
    network = client.ethernet_networks.create(network_data("sdk-internal", 505))
    li = client.logical_interconnects.get_by_name("Frame1-LIG-Prod")

    li.update_internal_networks([network.data["uri"]])
    settings = li.get_ethernet_settings()

    vlans = li.get_internal_vlans()
    assert [v["generalNetworkUri"] for v in vlans] == [network.data["uri"]]
    assert settings["macRefreshInterval"] == 5


def test_network_set_lifecycle(client: OneViewClient) -> None:
    first = client.ethernet_networks.create(network_data("sdk-set-a", 506))
    second = client.ethernet_networks.create(network_data("sdk-set-b", 507))

    network_set = client.network_sets.create(
        {"name": "sdk-set", "networkUris": [first.data["uri"]]}
    )
    network_set.update({"networkUris": [first.data["uri"], second.data["uri"]]})
    members = client.network_sets.get_by_name("sdk-set").data["networkUris"]
    network_set.delete()

    assert members == [first.data["uri"], second.data["uri"]]
    assert client.network_sets.get_by_name("sdk-set") is None


def test_connection_template_of_a_network(client: OneViewClient) -> None:
    network = client.ethernet_networks.create(network_data("sdk-bandwidth", 508))
    template = client.connection_templates.get_by_uri(network.data["connectionTemplateUri"])

    template.update({"bandwidth": {"typicalBandwidth": 1000, "maximumBandwidth": 5000}})

    again = client.connection_templates.get_by_uri(template.data["uri"])
    assert again.data["bandwidth"] == {"typicalBandwidth": 1000, "maximumBandwidth": 5000}
    assert client.connection_templates.get_default()["name"] == "defaultConnectionTemplate"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (network_data("tenant-101", 900), "CRM_DUPLICATE_NETWORK_NAME"),
        (network_data("sdk-bad-vlan", 5000), "CRM_VALUE_OUT_OF_RANGE"),
        ({**network_data("sdk-no-vlan", 1), "vlanId": None}, "CRM_MISSING_VLAN_ID_IN_NETWORK"),
    ],
)
def test_bad_network_raises_the_appliance_error(
    client: OneViewClient, data: dict[str, Any], code: str
) -> None:
    with pytest.raises(HPEOneViewException) as raised:
        client.ethernet_networks.create(data)

    assert raised.value.oneview_response["errorCode"] == code


def test_vlan_change_raises_the_appliance_error(client: OneViewClient) -> None:
    network = client.ethernet_networks.get_by_name("tenant-102")

    with pytest.raises(HPEOneViewException) as raised:
        network.update({"vlanId": 1102})

    assert raised.value.oneview_response["errorCode"] == "CRM_CHANGING_VLAN_ID"
    assert raised.value.msg == "VLAN ID can NOT be changed."


def test_bad_network_set_member_raises_the_appliance_error(client: OneViewClient) -> None:
    with pytest.raises(HPEOneViewException) as raised:
        client.network_sets.create({"name": "sdk-bad", "networkUris": ["/rest/fc-networks/1"]})

    assert raised.value.oneview_response["errorCode"] == "CRM_INVALID_NETWORK_URI"


def test_duplicate_vlan_in_an_uplink_set_raises_the_appliance_error(client: OneViewClient) -> None:
    client.ethernet_networks.create(network_data("sdk-twin-103", 103))
    uplink_set = client.uplink_sets.get_by_name("US-Edge-Tenants")

    with pytest.raises(HPEOneViewException) as raised:
        uplink_set.add_ethernet_networks(["sdk-twin-103"])

    assert raised.value.oneview_response["errorCode"] == "CRM_DUPLICATE_VLAN_IDS_UPLINK_SET"


def test_a_failed_task_raises_a_task_error(client: OneViewClient) -> None:
    with pytest.raises(HPEOneViewTaskError) as raised:
        client.logical_interconnect_groups.create({"name": "LIG-Prod", "uplinkSets": []})

    assert raised.value.error_code == "CRM_DUPLICATE_LOGICAL_INTERCONNECT_GROUP_NAME"
    assert raised.value.msg == (
        "Another logical interconnect group with that name already exists: LIG-Prod"
    )


def test_unknown_logical_interconnect_raises_not_found(client: OneViewClient) -> None:
    with pytest.raises(HPEOneViewException) as raised:
        client.logical_interconnects.get_by_uri(
            "/rest/logical-interconnects/0b0b0b0b-0000-4000-8000-000000000000"
        )

    assert raised.value.oneview_response["errorCode"] == "CRM_LOGICAL_INTERCONNECT_NOT_FOUND_ERROR"
