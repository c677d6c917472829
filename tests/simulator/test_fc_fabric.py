"""Fibre Channel on the SAN fabrics: FC uplink sets, and profiles with FC connections.

The seed's SAN-A and SAN-B are each on an FC uplink set of every logical
interconnect (SAN-A through port Q5 of interconnect 3, SAN-B through Q5 of
interconnect 6); a blade's Mezz 3 port 1 is wired to interconnect 3, port 2 to 6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from oneview_openstack.testing.simulator import SimulatorHandle

from .compute_support import FAST, Api, error, profile_body, server, template, time_scale
from .http_support import Doc
from .sdk_support import SDK_VERSIONS, sdk_client

pytestmark = [
    pytest.mark.functional,
    pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning"),
]


@pytest.fixture
def api(sim: SimulatorHandle) -> Iterator[Api]:
    with time_scale(sim, FAST):
        yield Api(sim)


def _fc(api: Api, san: str, port: str, **fields: Any) -> Doc:
    return {
        "functionType": "FibreChannel",
        "name": san,
        "networkUri": api.named("fc-networks", san)["uri"],
        "portId": port,
        "requestedMbps": "8000",
        **fields,
    }


def _profile_with(api: Api, name: str, blade: str, *connections: Doc) -> Doc:
    body = profile_body(api, template(api), name, server(api, blade))
    body["connectionSettings"]["connections"] += list(connections)
    return body


def _fc_uplink_body(api: Api, li_name: str, network: str, ports: list[str]) -> Doc:
    li = api.named("logical-interconnects", li_name)
    by_name = {}
    for ic_uri in li["interconnects"]:
        ic = api.get(ic_uri)
        bay = ic["name"].rsplit(" ", 1)[1]
        by_name.update({f"{bay}:{p['portName']}": p["uri"] for p in ic["ports"]})
    return {
        "name": f"US-{network}-2",
        "networkType": "FibreChannel",
        "logicalInterconnectUri": li["uri"],
        "fcNetworkUris": [api.named("fc-networks", network)["uri"]],
        "portConfigInfos": [{"portUri": by_name[p], "desiredSpeed": "Auto"} for p in ports],
    }


def test_each_san_is_on_an_fc_uplink_set_of_every_logical_interconnect(api: Api) -> None:
    fc_sets = api.members("/rest/uplink-sets?filter=\"networkType='FibreChannel'\"")
    san = {net["uri"]: net["name"] for net in api.members("/rest/fc-networks")}
    lis = {li["uri"]: li for li in api.members("/rest/logical-interconnects")}

    seen = sorted(
        (lis[u["logicalInterconnectUri"]]["name"], san[u["fcNetworkUris"][0]]) for u in fc_sets
    )
    assert seen == sorted(
        (li, s) for li in [doc["name"] for doc in lis.values()] for s in san.values()
    )
    sample = fc_sets[0]
    assert (sample["networkUris"], sample["ethernetNetworkType"]) == ([], "NotApplicable")
    ic = api.get(sample["portConfigInfos"][0]["portUri"].split("/ports/")[0])
    port = next(p for p in ic["ports"] if p["uri"] == sample["portConfigInfos"][0]["portUri"])
    assert (port["portName"], port["associatedUplinkSetUri"]) == ("Q5", sample["uri"])
    assert "FibreChannel" in port["capability"]
    lig = api.named("logical-interconnect-groups", "LIG-Prod")
    assert {u["name"]: u["networkType"] for u in lig["uplinkSets"]}["US-SAN-B"] == "FibreChannel"
    assert all(li["consistencyStatus"] == "CONSISTENT" for li in lis.values())


def test_a_profile_with_san_connections_gets_virtual_wwns(api: Api) -> None:
    boot = {"priority": "Primary", "targets": [{"arrayWwpn": "21000024FF5C2E01", "lun": "0"}]}
    body = _profile_with(
        api,
        "san-boot",
        "Frame1, bay 1",
        _fc(api, "SAN-A", "Mezz 3:1-b", boot=boot),
        _fc(api, "SAN-B", "Mezz 3:2-b"),
    )
    body["wwnType"] = "Virtual"

    task = api.run("POST", "/rest/server-profiles", body)

    profile = api.get(task["associatedResource"]["resourceUri"])
    fc = [
        c
        for c in profile["connectionSettings"]["connections"]
        if c["functionType"] == "FibreChannel"
    ]
    assert [(c["portId"], c["wwpnType"]) for c in fc] == [
        ("Mezz 3:1-b", "Virtual"),
        ("Mezz 3:2-b", "Virtual"),
    ]
    assert all(c["wwpn"] and c["wwnn"] and c["wwpn"] != c["wwnn"] for c in fc)
    assert fc[0]["boot"]["priority"] == "Primary" and fc[0]["requestedMbps"] == "8000"
    assert len({c["wwpn"] for c in fc}) == 2


def test_wrong_network_kinds_are_refused_at_once(api: Api) -> None:
    deploy = api.named("ethernet-networks", "deploy")["uri"]
    ethernet_in_fc = _profile_with(
        api, "bad-1", "Frame1, bay 2", _fc(api, "SAN-A", "Mezz 3:1-b", networkUri=deploy)
    )
    fc_in_ethernet = _profile_with(
        api, "bad-2", "Frame1, bay 2", {**_fc(api, "SAN-A", "Auto"), "functionType": "Ethernet"}
    )
    spt = api.get(template(api)["uri"])
    spt["connectionSettings"]["connections"].append(_fc(api, "SAN-A", "Auto", networkUri=deploy))

    for path, body in [
        ("/rest/server-profiles", ethernet_in_fc),
        ("/rest/server-profiles", fc_in_ethernet),
        (spt["uri"], spt),
    ]:
        method = "PUT" if path == spt["uri"] else "POST"
        body = error(api.call(method, path, body), 400, "INVALID_NETWORK_TYPE_FOR_CONNECTION")
        assert "connections[" in body["details"]


def test_an_fc_network_off_the_ports_fabric_ends_the_task_in_error(api: Api) -> None:
    wrong_side = _profile_with(api, "wrong-side", "Frame1, bay 2", _fc(api, "SAN-B", "Mezz 3:1-b"))
    task = api.fails("POST", "/rest/server-profiles", wrong_side, "NETWORK_NOT_AVAILABLE")
    assert "Mezz 3:1-b" in task["taskErrors"][0]["message"]

    api.run("POST", "/rest/fc-networks", {"name": "SAN-C", "type": "fc-networkV4"})
    nowhere = _profile_with(api, "nowhere", "Frame1, bay 2", _fc(api, "SAN-C", "Auto"))
    api.fails("POST", "/rest/server-profiles", nowhere, "NETWORK_NOT_AVAILABLE")
    assert server(api, "Frame1, bay 2")["serverProfileUri"] is None


def test_an_fc_uplink_set_makes_a_new_san_reachable(api: Api) -> None:
    api.run("POST", "/rest/fc-networks", {"name": "SAN-C", "type": "fc-networkV4"})

    task = api.run(
        "POST", "/rest/uplink-sets", _fc_uplink_body(api, "Frame3-LIG-Edge", "SAN-C", ["3:Q6"])
    )
    uplink_set = api.get(task["associatedResource"]["resourceUri"])
    body = profile_body(
        api, template(api, "SPT-Edge-SY480"), "edge-san", server(api, "Frame3, bay 1")
    )
    body["connectionSettings"]["connections"].append(_fc(api, "SAN-C", "Mezz 3:1-b"))
    applied = api.run("POST", "/rest/server-profiles", body)

    assert (uplink_set["networkType"], uplink_set["fcNetworkUris"]) == (
        "FibreChannel",
        [api.named("fc-networks", "SAN-C")["uri"]],
    )
    assert applied["taskState"] == "Completed"
    li = api.named("logical-interconnects", "Frame3-LIG-Edge")
    assert li["consistencyStatus"] == "CONSISTENT"  # FC uplink sets are not compared


@pytest.mark.parametrize(
    ("network", "ports", "code"),
    [
        ("deploy", ["3:Q6"], "CRM_INVALID_NETWORK_URI"),
        ("SAN-C", ["3:Q3"], "CRM_DEFAULT_INVALID_ARGUMENT"),  # not an FC port
        ("SAN-C", ["3:Q6", "6:Q6"], "CRM_DEFAULT_INVALID_ARGUMENT"),  # two interconnects
        ("SAN-A", ["3:Q6"], "CRM_NETWORK_ALREADY_ASSIGNED"),
    ],
)
def test_fc_uplink_set_errors(api: Api, network: str, ports: list[str], code: str) -> None:
    api.run("POST", "/rest/fc-networks", {"name": "SAN-C", "type": "fc-networkV4"})
    if network == "deploy":
        body = _fc_uplink_body(api, "Frame3-LIG-Edge", "SAN-C", ports)
        body["fcNetworkUris"] = [api.named("ethernet-networks", "deploy")["uri"]]
    else:
        body = _fc_uplink_body(api, "Frame3-LIG-Edge", network, ports)

    found = error(api.call("POST", "/rest/uplink-sets", body), 400, code)

    assert found["details"]


@pytest.mark.parametrize("version", SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def test_the_sdk_sees_the_san_uplink_sets(sim: SimulatorHandle, version: int) -> None:
    oneview = sdk_client(sim, version)

    li = oneview.logical_interconnects.get_by_name("Frame1-LIG-Prod")
    fc_sets = [
        u
        for u in oneview.uplink_sets.get_all(filter="networkType='FibreChannel'")
        if u["logicalInterconnectUri"] == li.data["uri"]
    ]
    san_a = oneview.fc_networks.get_by_name("SAN-A")

    assert sorted(u["name"] for u in fc_sets) == ["US-SAN-A", "US-SAN-B"]
    assert [u for u in fc_sets if u["name"] == "US-SAN-A"][0]["fcNetworkUris"] == [
        san_a.data["uri"]
    ]
