"""Logical enclosures through the hpeOneView SDK (API 800, 2400, 4600) and raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from hpeOneView.exceptions import HPEOneViewException, HPEOneViewTaskError
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def typed(client: OneViewClient, body: dict[str, Any]) -> dict[str, Any]:
    """The SDK sends no ``type`` for logical enclosures; below API 2000 the caller must."""
    if client.api_version < 2000:
        return {**body, "type": "LogicalEnclosureV4"}
    return body


def test_a_logical_enclosure_per_frame_set(client: OneViewClient) -> None:
    les = client.logical_enclosures.get_all(sort="name:ascending")
    prod = client.logical_enclosures.get_by_name("LE-Prod")
    frames = {e["name"]: e for e in client.enclosures.get_all()}

    assert [le["name"] for le in les] == ["LE-Edge", "LE-Prod"]
    assert prod.data["enclosureUris"] == [frames["Frame1"]["uri"], frames["Frame2"]["uri"]]
    assert len(prod.data["logicalInterconnectUris"]) == 2
    assert frames["Frame3"]["logicalEnclosureUri"] == les[0]["uri"]
    assert len(client.logical_enclosures.get_all(filter="state='Consistent'")) == 2


def test_update_patch_and_actions(client: OneViewClient) -> None:
    le = client.logical_enclosures.get_by_name("LE-Edge")
    baseline = client.firmware_drivers.get_all()[0]["uri"]

    le.update(typed(client, {"name": "LE-Edge-2"}))
    le.patch("replace", "/firmware", {"firmwareBaselineUri": baseline,
                                       "forceInstallFirmware": False})  # fmt: skip
    le.update_from_group()
    le.update_configuration()
    le.update_script("#configuration script")
    dump = le.generate_support_dump({"errorCode": "MyDump", "encrypt": False})

    again = client.logical_enclosures.get_by_uri(le.data["uri"])
    assert again.data["name"] == "LE-Edge-2"
    assert again.data["firmware"]["firmwareBaselineUri"] == baseline
    assert again.data["state"] == "Consistent"
    assert again.get_script() == "#configuration script"
    assert dump.startswith("/rest/appliance/support-dumps/MyDump-")


def test_delete_then_create_from_the_group(client: OneViewClient) -> None:
    edge = client.logical_enclosures.get_by_name("LE-Edge")
    body = {"name": "LE-New", "enclosureGroupUri": edge.data["enclosureGroupUri"],
            "enclosureUris": edge.data["enclosureUris"]}  # fmt: skip

    edge.delete()
    created = client.logical_enclosures.create(typed(client, body))

    assert created.data["state"] == "Consistent"
    assert created.data["logicalInterconnectUris"] == edge.data["logicalInterconnectUris"]
    frame = client.enclosures.get_by_uri(edge.data["enclosureUris"][0])
    assert frame.data["logicalEnclosureUri"] == created.data["uri"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("LE-Prod", "DUPLICATE_LOGICAL_ENCLOSURE_NAME"),
        ("LE-x", "ENCLOSURE_ALREADY_IN_LOGICAL_ENCLOSURE"),
    ],
)
def test_bad_create_raises_the_appliance_error(client: OneViewClient, name: str, code: str) -> None:
    edge = client.logical_enclosures.get_by_name("LE-Edge")
    body = {"name": name, "enclosureGroupUri": edge.data["enclosureGroupUri"],
            "enclosureUris": edge.data["enclosureUris"]}  # fmt: skip

    with pytest.raises(HPEOneViewException) as raised:
        client.logical_enclosures.create(typed(client, body))

    assert raised.value.oneview_response["errorCode"] == code


def test_delete_refused_while_servers_have_profiles(client: OneViewClient) -> None:
    """The appliance accepts the delete and fails its task (HPE's regression suite)."""
    prod = client.logical_enclosures.get_by_name("LE-Prod")  # Frame2 bay 4 has sap-hana-01

    with pytest.raises(HPEOneViewTaskError) as raised:
        prod.delete()

    assert raised.value.error_code == "LE_DELETE_ACTIVE_PROFILE_ERROR"
    assert "hosting active server profiles" in raised.value.msg
    kept = client.logical_enclosures.get_by_name("LE-Prod")
    assert kept is not None and kept.data["state"] == prod.data["state"]


def test_raw_http_errors_and_busy_state(sim: SimulatorHandle) -> None:
    api = Api(sim)
    le = api.named("logical-enclosures", "LE-Edge")
    uri = le["uri"]

    bad_patch = api.call("PATCH", uri, [{"op": "remove", "path": "/name"}])
    assert (bad_patch.status_code, bad_patch.json()["errorCode"]) == (
        400,
        "INVALID_PATCH_OPERATION",
    )
    bad_fw = api.call(
        "PATCH", f"{uri}/firmware", {"firmwareBaselineUri": "/rest/firmware-drivers/x"}
    )
    assert bad_fw.json()["errorCode"] == "INVALID_RESOURCE_URI"
    assert api.get(f"{uri}/firmware")["logicalInterconnectUpdateMode"] == "Parallel"
    assert api.call("GET", "/rest/logical-enclosures/nope/script").status_code == 404
    bad_dump = api.call("POST", f"{uri}/support-dumps", {"errorCode": "has space"})
    assert bad_dump.json()["errorCode"] == "INVALID_ERROR_CODE"
    # Tasks a hundred times slower: the update is still running at the next requests, however
    # busy the machine is.
    scale = sim.operator.config()["time_scale"]
    sim.operator.set_config(time_scale=100.0)
    try:
        running = api.call("PUT", f"{uri}/updateFromGroup")
        assert running.status_code == 202
        assert api.get(uri)["state"] == "Updating"
        busy = api.call("PUT", f"{uri}/configuration")
        assert (busy.status_code, busy.json()["errorCode"]) == (409, "LOGICAL_ENCLOSURE_BUSY")
    finally:
        sim.operator.set_config(time_scale=scale)
    assert Api(sim, 300).get(uri)["type"] == "LogicalEnclosureV300"
    assert api.get("/rest/logical-enclosures/?count=1")["count"] == 1


def test_a_generated_datacenter_has_frame_sets_types_and_san_fabrics() -> None:
    from oneview_openstack.simulator.seed.builder import build_documents
    from oneview_openstack.simulator.seed.generator import generate_topology

    docs = build_documents(generate_topology(300))
    by_category: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        by_category.setdefault(str(doc.get("category")), []).append(doc)

    frames = by_category["enclosures"]
    les = by_category["logical-enclosures"]
    assert sorted(u for le in les for u in le["enclosureUris"]) == sorted(f["uri"] for f in frames)
    assert all(len(le["enclosureUris"]) <= 5 for le in les)
    assert len(by_category["interconnect-types"]) == 2
    assert [n["name"] for n in by_category["fc-networks"]] == ["SAN-A", "SAN-B"]
