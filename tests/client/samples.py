"""Helpers for tests that need no server: the real OneView JSON samples and canned answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Any:
    """A real appliance document from ``samples/`` (see its README)."""
    return json.loads((SAMPLES / name).read_text())


def response(
    status: int,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    text: str | None = None,
    reason: str = "",
) -> requests.Response:
    """A ``requests.Response`` as the appliance would have answered it."""
    resp = requests.Response()
    resp.status_code = status
    resp.reason = reason
    if body is not None:
        resp._content = json.dumps(body).encode()
        resp.headers["Content-Type"] = "application/json;charset=UTF-8"
    else:
        resp._content = (text or "").encode()
    resp.headers.update(headers or {})
    resp.url = "https://oneview.example/rest/x"
    return resp
