"""A resource can be named by UUID, by URI or by the resource itself; bad names are refused."""

import socket
import warnings

import pytest

from oneview_openstack.client import (
    ConnectionFailed,
    InsecureConnectionWarning,
    OneViewClient,
    RetryPolicy,
    ServerHardware,
)

URI = "/rest/server-hardware/30303437-3034-4D32-3230-313133364752"


@pytest.fixture
def client():
    # Nothing is sent until the first call, so no server is needed here.
    with OneViewClient("https://oneview.invalid", "admin", "pw") as ov:
        yield ov


@pytest.mark.parametrize(
    "ref",
    [
        "30303437-3034-4D32-3230-313133364752",
        URI,
        URI + "/",
        "https://oneview.invalid" + URI,
        ServerHardware({"uri": URI}),
    ],
)
def test_uuid_uri_and_resource_name_the_same_server(client, ref):
    assert client.server_hardware.uri(ref) == URI


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("/rest/server-profiles/abc", "expected a /rest/server-hardware/{id} URI"),
        ("../etc/passwd", "is not a valid id"),
        ("a b", "is not a valid id"),
        ("", "expected a UUID"),
        (None, "expected a UUID"),
    ],
)
def test_wrong_references_are_refused_naming_the_collection(client, ref, words):
    with pytest.raises(ValueError, match=r"^server-hardware: .*" + words.replace("{", r"\{")):
        client.server_hardware.uri(ref)


def test_tasks_accept_ids_and_uris(client):
    assert client.tasks.uri("BA3C") == "/rest/tasks/BA3C"
    assert client.tasks.uri("/rest/tasks/BA3C") == "/rest/tasks/BA3C"
    with pytest.raises(ValueError, match="expected a /rest/tasks/"):
        client.tasks.uri("/rest/server-hardware/1")
    with pytest.raises(ValueError, match=r"a task id or a /rest/tasks/\.\.\. URI, got None"):
        client.tasks.uri(None)


def test_url_forms():
    assert OneViewClient("10.0.0.1:8443", "a", "b").url == "https://10.0.0.1:8443"
    assert OneViewClient("https://ov.example/", "a", "b").url == "https://ov.example"
    with pytest.raises(ValueError, match="must look like https://host"):
        OneViewClient("ftp://ov", "a", "b")


def test_tls_options():
    with pytest.raises(ValueError, match="exclude each other"):
        OneViewClient("https://ov", "a", "b", ca_file="/ca.pem", insecure=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        OneViewClient("https://ov", "a", "b", insecure=True)
    assert [w.category for w in caught] == [InsecureConnectionWarning]


def test_a_missing_ca_file_is_named_when_the_client_is_made(tmp_path):
    missing = tmp_path / "no-such-ca.pem"

    with pytest.raises(ValueError, match="no-such-ca.pem' is not a file"):
        OneViewClient("https://ov", "a", "b", ca_file=str(missing))


def test_repr_never_shows_the_password():
    client = OneViewClient("https://ov", "admin", "hunter2")
    assert "hunter2" not in repr(client) and "hunter2" not in repr(client._auth)


def test_bad_credentials_are_refused_naming_the_username_but_never_the_password():
    with pytest.raises(ValueError, match="username must be a non-empty string, got ''"):
        OneViewClient("https://ov", "", "hunter2")
    with pytest.raises(ValueError, match="password must be a string, got bytes") as raised:
        OneViewClient("https://ov", "admin", b"hunter2")
    assert "hunter2" not in str(raised.value)


def test_list_validates_arguments_before_any_request(client):
    with pytest.raises(ValueError, match="page_size"):
        client.server_hardware.list(page_size=0)
    with pytest.raises(ValueError, match="contains a quote"):
        client.server_hardware.list({"name": "it's"})


def test_nothing_listening_is_a_connection_failure_after_the_retries(monkeypatch):
    # requests' default trust, not whatever bundle this machine's environment names.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    policy = RetryPolicy(attempts=2, backoff=0)
    client = OneViewClient(f"https://127.0.0.1:{port}", "a", "b", retries=policy)
    with pytest.raises(ConnectionFailed) as caught:
        client.server_hardware.get("X")
    assert str(caught.value).startswith(
        f"GET /rest/version failed after 2 attempts: could not reach https://127.0.0.1:{port}"
    )
