"""Which failures are retried, and how long the client waits."""

import pytest
import requests

from oneview_openstack.client import RetryPolicy
from oneview_openstack.client.retry import retryable_exception, retryable_response

from .samples import response


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    policy = RetryPolicy(attempts=6, backoff=1.0, max_backoff=4.0, jitter=0.5)
    for number, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 4.0)]:
        delays = {policy.delay(number) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1, "jitter spreads the retries of many clients"


def test_policy_from_a_retry_count():
    assert RetryPolicy.of(0).attempts == 1
    assert RetryPolicy.of(3).attempts == 4
    with pytest.raises(ValueError, match="retries must be a non-negative int"):
        RetryPolicy.of(-1)
    with pytest.raises(ValueError, match="jitter must be within"):
        RetryPolicy(jitter=2)


def body(code, message="m"):
    return {"errorCode": code, "message": message}


@pytest.mark.parametrize(
    ("status", "payload", "idempotent", "expected"),
    [
        (503, body("X"), False, True),
        (500, body("X"), True, True),
        (500, body("X"), False, False),
        (502, None, True, True),
        (409, body("POWER_CONTROL_NOT_ALLOWED"), True, True),
        (409, body("X", "The resource is locked in a transitory state."), True, True),
        (409, body("POWER_CONTROL_NOT_ALLOWED"), False, False),
        (409, body("SERVER_ON", "The server is powered on."), True, False),
        (400, body("INVALID_FILTER"), True, False),
        (404, body("RESOURCE_NOT_FOUND"), True, False),
        (412, body("ETAG_MISMATCH"), True, False),
    ],
)
def test_which_answers_are_retried(status, payload, idempotent, expected):
    assert retryable_response(response(status, payload), idempotent) is expected


def test_which_transport_failures_are_retried():
    refused = requests.ConnectionError("NewConnectionError: [Errno 111] Connection refused")
    reset = requests.ConnectionError("Connection aborted: RemoteDisconnected")
    assert retryable_exception(requests.ConnectTimeout(), idempotent=False)
    assert retryable_exception(refused, idempotent=False)
    assert not retryable_exception(reset, idempotent=False)
    assert retryable_exception(reset, idempotent=True)
    assert retryable_exception(requests.ReadTimeout(), idempotent=True)
    assert not retryable_exception(requests.ReadTimeout(), idempotent=False)


def test_tls_verification_failures_are_never_retried():
    assert not retryable_exception(requests.exceptions.SSLError("bad cert"), idempotent=True)
