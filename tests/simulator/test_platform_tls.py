"""TLS: the generated CA verifies the appliance for every client flavour, nothing else does."""

from __future__ import annotations

import http.client
import socket
import ssl
from pathlib import Path

import pytest
import requests

from oneview_openstack.simulator import tls
from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = pytest.mark.functional


def test_requests_verifies_the_appliance_with_its_ca(simulator: SimulatorHandle) -> None:
    response = requests.get(simulator.url + "/rest/version", verify=simulator.ca_file, timeout=10)

    assert response.status_code == 200
    assert response.json()["minimumVersion"] == 120


def test_the_certificate_names_localhost_too(simulator: SimulatorHandle) -> None:
    url = f"https://localhost:{simulator.port}/rest/version"

    assert requests.get(url, verify=simulator.ca_file, timeout=10).status_code == 200


def test_another_ca_is_refused(simulator: SimulatorHandle, tmp_path: Path) -> None:
    other = tls.ensure_certificates(tmp_path / "other-ca")

    with pytest.raises(requests.exceptions.SSLError):
        requests.get(simulator.url + "/rest/version", verify=str(other.ca), timeout=10)


@pytest.mark.filterwarnings("ignore:ssl.PROTOCOL_TLSv1_2 is deprecated:DeprecationWarning")
def test_hpeoneview_style_tls12_context_works(simulator: SimulatorHandle) -> None:
    """The SDK pins TLS 1.2, requires a chain to the CA and skips the host-name check."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(simulator.ca_file)
    connection = http.client.HTTPSConnection(simulator.host, context=context, timeout=10)
    try:
        connection.request("GET", "/rest/version")
        response = connection.getresponse()
        assert response.status == 200
        assert b"currentVersion" in response.read()
    finally:
        connection.close()


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_tls_older_than_1_2_is_refused(simulator: SimulatorHandle) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    with (
        socket.create_connection(("127.0.0.1", simulator.port), timeout=10) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="127.0.0.1")
