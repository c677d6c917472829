"""The OpenAPI document: valid OpenAPI 3.1, and every /rest route is in it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_spec_validator import validate

from oneview_openstack.simulator import resources
from oneview_openstack.simulator.router import Access, Router
from oneview_openstack.testing.simulator import SimulatorHandle

pytestmark = pytest.mark.functional


@pytest.fixture
def served(sim: SimulatorHandle) -> dict[str, Any]:
    """The document as GET /rest/openapi.json serves it (no session needed)."""
    response = requests.get(sim.url + "/rest/openapi.json", verify=sim.verify, timeout=10)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_served_document_is_valid_openapi_3_1(served: dict[str, Any]) -> None:
    validate(served)

    assert served["openapi"].startswith("3.1")


def test_every_rest_route_is_documented(served: dict[str, Any]) -> None:
    routes = [r for r in Router(resources.blueprints()).routes if r.template.startswith("/rest/")]

    missing = [
        f"{route.method} {route.template}"
        for route in routes
        if route.method.lower() not in served["paths"].get(route.template, {})
    ]

    assert routes
    assert missing == []
    assert not any(path.startswith("/sim") for path in served["paths"])


def test_every_served_route_of_every_blueprint_is_documented(served: dict[str, Any]) -> None:
    """Whatever blueprint a route comes from (new families included), the document has it."""
    served_routes = [
        route
        for blueprint in resources.blueprints()
        for route in blueprint.routes
        if route.access is not Access.OPERATOR
    ]

    missing = [
        f"{route.method} {route.template}"
        for route in served_routes
        if route.method.lower() not in served["paths"].get(route.template, {})
    ]

    assert missing == []
    assert served["paths"]["/controller-state.json"]["get"]["security"] == []
    documented = sum(len(operations) for operations in served["paths"].values())
    assert documented == len({(r.method, r.template) for r in served_routes})


def test_login_is_public_and_everything_else_needs_the_auth_header(served: dict[str, Any]) -> None:
    assert served["paths"]["/rest/login-sessions"]["post"]["security"] == []
    assert served["paths"]["/rest/tasks/{id}"]["get"]["security"] == [{"auth": []}]
    assert served["components"]["securitySchemes"]["auth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "auth",
        "description": "The sessionID returned by POST /rest/login-sessions.",
    }


def test_operations_carry_the_api_version_header_and_path_parameters(
    served: dict[str, Any],
) -> None:
    parameters = served["paths"]["/rest/tasks/{id}"]["get"]["parameters"]

    assert {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    } in parameters
    assert {"$ref": "#/components/parameters/XApiVersion"} in parameters


def test_asynchronous_operations_answer_a_task(served: dict[str, Any]) -> None:
    create = served["paths"]["/rest/ethernet-networks"]["post"]["responses"]

    assert create["202"] == {"$ref": "#/components/responses/Task"}
    assert "202" not in served["paths"]["/rest/ethernet-networks"]["get"]["responses"]
    error = served["components"]["schemas"]["ErrorMessage"]
    assert {"errorCode", "message", "details", "recommendedActions"} <= set(error["properties"])


def test_dump_openapi_writes_the_same_document(served: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    command = [sys.executable, "-m", "oneview_openstack.simulator.main", "--dump-openapi"]

    subprocess.run([*command, str(target)], check=True, capture_output=True, timeout=60)

    assert json.loads(target.read_text()) == served
