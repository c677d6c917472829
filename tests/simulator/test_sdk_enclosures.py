"""Enclosures and enclosure groups through the hpeOneView SDK (API 800, 2400, 4600) and raw HTTP."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hpeOneView.exceptions import HPEOneViewException, HPEOneViewTaskError
from hpeOneView.oneview_client import OneViewClient

from oneview_openstack.testing.simulator import SimulatorHandle

from .http_support import Api, error
from .sdk_support import SDK_MARKS, SDK_VERSIONS, sdk_client

pytestmark = SDK_MARKS

CSR_BODY = {"type": "CertificateDtoV2", "organization": "Example", "organizationalUnit": "Lab",
            "locality": "Houston", "state": "Texas", "country": "US",
            "commonName": "frame1.lab.example",
            "alternativeName": "frame1,frame1.lab.example"}  # fmt: skip


@pytest.fixture(params=SDK_VERSIONS, ids=[f"api{v}" for v in SDK_VERSIONS])
def client(request: pytest.FixtureRequest, sim: SimulatorHandle) -> OneViewClient:
    return sdk_client(sim, request.param)


def eg_type(client: OneViewClient) -> str:
    return "EnclosureGroupV8" if client.api_version >= 1200 else "EnclosureGroupV7"


def code_of(raised: pytest.ExceptionInfo[HPEOneViewException]) -> str:
    return str(raised.value.oneview_response["errorCode"])


def sign(csr_pem: str) -> str:
    """A certificate for ``csr_pem`` from a throw-away CA."""
    csr = x509.load_pem_x509_csr(csr_pem.encode())
    key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(issuer)
        .public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# -- enclosures ----------------------------------------------------------------------


def test_patch_refresh_and_reapply(client: OneViewClient) -> None:
    frame = client.enclosures.get_by_name("Frame1")

    frame.patch("replace", "/name", "Frame1-renamed")
    frame.patch("replace", "/uidState", "On")
    frame.patch("replace", "/rackName", "Rack-A1")
    frame.patch("replace", "/managerBays/2/uidState", "Blink")
    refreshed = frame.refresh_state({"refreshState": "RefreshPending"})
    reapplied = frame.update_configuration()
    environment = frame.get_environmental_configuration()

    assert refreshed["refreshState"] == "NotRefreshing"
    assert reapplied["reconfigurationState"] == "NotReapplyingConfiguration"
    again = client.enclosures.get_by_uri(frame.data["uri"]).data
    assert (again["name"], again["uidState"]) == ("Frame1-renamed", "On")
    assert again["managerBays"][1]["uidState"] == "Blink"
    assert environment["rackName"] == "Rack-A1"


def test_environmental_configuration_and_utilization(client: OneViewClient) -> None:
    frame = client.enclosures.get_by_name("Frame2")

    before = frame.get_environmental_configuration()
    after = frame.update_environmental_configuration({"calibratedMaxPower": 6000})
    everything = frame.get_utilization()
    some = frame.get_utilization(
        fields="AveragePower,PowerCap",
        filter=["startDate=2020-01-01T00:00:00.000Z"],
        refresh=True,
        view="hour",
    )

    assert before["calibratedMaxPower"] == 7950
    assert [p["psuId"] for p in before["psuList"]] == [1, 2, 3, 4, 5, 6]
    assert after["calibratedMaxPower"] == 6000
    assert {m["metricName"] for m in everything["metricList"]} == {
        "AmbientTemperature", "AveragePower", "PeakPower", "PowerCap", "DeratedCapacity",
        "RatedCapacity",
    }  # fmt: skip
    assert everything["uri"] == frame.data["uri"]
    assert [m["metricName"] for m in some["metricList"]] == ["AveragePower", "PowerCap"]
    assert some["resolution"] == 3_600_000
    assert some["refreshTaskUri"].startswith("/rest/tasks/")
    average = some["metricList"][0]["metricSamples"][0][1]
    assert 0 < average < 7950


def test_certificate_signing_request_and_import(client: OneViewClient) -> None:
    frame = client.enclosures.get_by_name("Frame1")

    frame.generate_csr(CSR_BODY, bay_number=2)
    csr = frame.get_csr(bay_number=2)
    frame.import_certificate(
        {"type": "CertificateDataV2", "base64Data": sign(csr["base64Data"])}, bay_number=2
    )

    assert csr["base64Data"].startswith("-----BEGIN CERTIFICATE REQUEST-----")
    subject = x509.load_pem_x509_csr(csr["base64Data"].encode()).subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "frame1.lab.example"
    with pytest.raises(HPEOneViewException) as raised:
        frame.get_csr(bay_number=2)  # imported: no request pending any more
    assert code_of(raised) == "CSR_NOT_FOUND"


def test_sso_is_for_c7000_only(client: OneViewClient) -> None:
    frame = client.enclosures.get_by_name("Frame1")

    with pytest.raises(HPEOneViewException) as raised:
        frame.get_sso("Active")

    assert code_of(raised) == "SSO_NOT_SUPPORTED"


@pytest.mark.parametrize(
    "information",
    [
        {"hostname": "fe80::2:0:9:1%eth2"},
        {"hostname": "10.0.0.50", "username": "Administrator", "password": "secret",
         "licensingIntent": "OneView"},
    ],
    ids=["synergy", "c7000"],
)  # fmt: skip
def test_adding_an_enclosure_fails_like_an_unreachable_one(
    client: OneViewClient, information: dict[str, Any]
) -> None:
    with pytest.raises(HPEOneViewTaskError) as raised:
        client.enclosures.add(information)

    assert raised.value.error_code == "ENCLOSURE_UNREACHABLE"
    assert information["hostname"] in raised.value.msg


def test_remove_after_its_logical_enclosure(client: OneViewClient) -> None:
    frame = client.enclosures.get_by_name("Frame3")
    with pytest.raises(HPEOneViewException) as raised:
        frame.remove()
    assert code_of(raised) == "ENCLOSURE_IN_LOGICAL_ENCLOSURE"

    client.logical_enclosures.get_by_name("LE-Edge").delete()
    frame.remove(force=True)

    assert client.enclosures.get_by_name("Frame3") is None
    uri = frame.data["uri"]
    assert not [s for s in client.server_hardware.get_all() if s["locationUri"] == uri]
    assert not [i for i in client.interconnects.get_all() if i.get("enclosureUri") == uri]


# -- enclosure groups ----------------------------------------------------------------


def test_enclosure_group_lifecycle_and_script(client: OneViewClient) -> None:
    edge = client.enclosure_groups.get_by_name("EG-Edge")
    body = {"type": eg_type(client), "name": "EG-New", "ipAddressingMode": "External",
            "interconnectBayMappings": edge.data["interconnectBayMappings"]}  # fmt: skip

    created = client.enclosure_groups.create(body)
    created.update({"name": "EG-New-2", "description": "updated"})
    created.update_script("#script")
    script = created.get_script()
    found = client.enclosure_groups.get_by_name("EG-New-2")
    created.delete()

    assert created.data["type"] == eg_type(client)
    assert (
        created.data["associatedLogicalInterconnectGroups"]
        == (edge.data["associatedLogicalInterconnectGroups"])
    )
    assert (found.data["description"], found.data["ipAddressingMode"]) == ("updated", "External")
    assert script == "#script"
    assert client.enclosure_groups.get_by_name("EG-New-2") is None


def test_enclosure_group_delete_refused_while_used(client: OneViewClient) -> None:
    group = client.enclosure_groups.get_by_name("EG-Prod")

    with pytest.raises(HPEOneViewException) as raised:
        group.delete()

    assert code_of(raised) == "ENCLOSURE_GROUP_IN_USE"
    assert client.enclosure_groups.get_by_name("EG-Prod") is not None


def test_enclosure_group_duplicate_name(client: OneViewClient) -> None:
    with pytest.raises(HPEOneViewException) as raised:
        client.enclosure_groups.create({"type": eg_type(client), "name": "EG-Prod"})

    assert code_of(raised) == "DUPLICATE_ENCLOSURE_GROUP_NAME"


# -- raw HTTP error paths ------------------------------------------------------------


def test_enclosure_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)
    frame = api.named("enclosures", "Frame1")
    uri = frame["uri"]

    error(api.call("POST", "/rest/enclosures", {}), 400, "INVALID_PARAMETER")
    error(api.call("POST", "/rest/enclosures", {"hostname": "10.0.0.9"}), 400, "INVALID_PARAMETER")
    error(api.call("PUT", uri, frame), 405, "METHOD_NOT_ALLOWED")
    bad_patch = [{"op": "replace", "path": "/serialNumber", "value": "X"}]
    error(api.call("PATCH", uri, bad_patch), 400, "INVALID_PATCH_OPERATION")
    uid = [{"op": "replace", "path": "/uidState", "value": "Purple"}]
    error(api.call("PATCH", uri, uid), 400, "INVALID_PATCH_OPERATION")
    duplicate = [{"op": "replace", "path": "/name", "value": "Frame2"}]
    error(api.call("PATCH", uri, duplicate), 400, "DUPLICATE_ENCLOSURE_NAME")
    stale = api.call("PATCH", uri, [{"op": "replace", "path": "/name", "value": "F"}],
                     {"If-Match": '"stale"'})  # fmt: skip
    assert stale.status_code == 412
    refresh = api.call("PUT", f"{uri}/refreshState", {"refreshState": "Now"})
    error(refresh, 400, "INVALID_REFRESH_STATE")
    power = api.call("PUT", f"{uri}/environmentalConfiguration", {"calibratedMaxPower": -1})
    error(power, 400, "INVALID_CALIBRATED_MAX_POWER")
    error(api.call("GET", f"{uri}/utilization?fields=CpuUtilization"), 400, "INVALID_METRIC")
    error(api.call("GET", f"{uri}/sso?role=Boss"), 400, "INVALID_ROLE")
    error(api.call("GET", f"{uri}/https/certificaterequest"), 404, "CSR_NOT_FOUND")
    bay = api.call("POST", f"{uri}/https/certificaterequest?bayNumber=7", CSR_BODY)
    error(bay, 400, "INVALID_BAY_NUMBER")
    country = api.call("POST", f"{uri}/https/certificaterequest", {**CSR_BODY, "country": "USA"})
    error(country, 400, "INVALID_CSR_PARAMETER")
    junk = {"type": "CertificateDataV2", "base64Data": "not a certificate"}
    error(api.call("PUT", f"{uri}/https/certificaterequest", junk), 400, "INVALID_CERTIFICATE")
    error(api.call("GET", "/rest/enclosures/NOPE/utilization"), 404, "RESOURCE_NOT_FOUND")


def test_enclosure_import_needs_the_matching_request(sim: SimulatorHandle) -> None:
    api = Api(sim)
    uri = api.named("enclosures", "Frame1")["uri"]
    api.run("POST", f"{uri}/https/certificaterequest", CSR_BODY)
    other = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "other")])
    )
    foreign = other.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    pem = foreign.public_bytes(serialization.Encoding.PEM).decode()

    body = {"type": "CertificateDataV2", "base64Data": sign(pem)}
    mismatch = api.call("PUT", f"{uri}/https/certificaterequest", body)

    error(mismatch, 400, "CERTIFICATE_DOES_NOT_MATCH_CSR")
    assert api.get(f"{uri}/https/certificaterequest")["type"] == "CertificateDataV2"


def test_enclosure_group_error_paths(sim: SimulatorHandle) -> None:
    api = Api(sim)
    group = api.named("enclosure-groups", "EG-Prod")
    uri = group["uri"]
    body = {"type": "EnclosureGroupV8", "name": "EG-x"}

    error(api.call("POST", "/rest/enclosure-groups", {**body, "name": ""}), 400, "CRM_MISSING_NAME")
    count = api.call("POST", "/rest/enclosure-groups", {**body, "enclosureCount": 9})
    error(count, 400, "INVALID_ENCLOSURE_COUNT")
    mapping = {
        "interconnectBay": 3,
        "logicalInterconnectGroupUri": "/rest/logical-interconnect-groups/x",
    }
    bad_lig = api.call(
        "POST", "/rest/enclosure-groups", {**body, "interconnectBayMappings": [mapping]}
    )
    error(bad_lig, 400, "INVALID_RESOURCE_URI")
    bay = api.call("POST", "/rest/enclosure-groups",
                   {**body, "interconnectBayMappings": [{"interconnectBay": 9}]})  # fmt: skip
    error(bay, 400, "INVALID_INTERCONNECT_BAY_MAPPING")
    mode = api.call("POST", "/rest/enclosure-groups", {**body, "ipAddressingMode": "IpPool"})
    error(mode, 400, "INVALID_ENCLOSURE_GROUP_PARAMETER")
    kind = api.call(
        "POST",
        "/rest/enclosure-groups",
        {**body, "enclosureTypeUri": "/rest/enclosure-types/C7000"},
    )
    error(kind, 400, "INVALID_ENCLOSURE_TYPE")
    error(api.call("PUT", uri, {**group, "enclosureCount": 3}), 400, "ENCLOSURE_GROUP_IN_USE")
    error(api.call("PUT", f"{uri}/script", {"lines": 1}), 400, "INVALID_JSON_DATA_TYPE")
    error(api.call("DELETE", uri), 400, "ENCLOSURE_GROUP_IN_USE")
    created = api.call("POST", "/rest/enclosure-groups", body)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == created.json()["uri"]
    assert api.call("DELETE", created.json()["uri"]).status_code == 204
