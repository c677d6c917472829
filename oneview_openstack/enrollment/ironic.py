"""Ironic's side of enrollment, over its REST API through an openstacksdk baremetal proxy.

Reading costs one paged listing of ``oneview`` nodes and one of ports (only the fields used),
whatever the number of nodes; the original tool listed every node of every driver once per
server. Writing is one request per object: a node, its traits, each port.

The proxy (``connection.baremetal``) brings authentication, endpoint discovery and TLS from
openstacksdk (clouds.yaml, ``OS_*``, or OpenStackClient's session); requests are sent with
:data:`MICROVERSION` so every field used here is understood.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from oneview_openstack.enrollment.spec import DRIVER, SERVER_HARDWARE, TEMPLATE, NodeSpec, PortSpec

LOG = logging.getLogger(__name__)

MICROVERSION = "1.86"  # firmware_interface, the newest field a node body may carry
PAGE_SIZE = 1000  # Ironic's default [api]max_limit
APPLIED_PROFILE = "applied_server_profile_uri"
SERVER_HARDWARE_PATH = "/rest/server-hardware/"
NODE_FIELDS = (
    "uuid", "name", "driver", "driver_info", "driver_internal_info", "provision_state",
    "maintenance", "maintenance_reason", "resource_class", "properties", "traits",
    "instance_uuid", "last_error", "extra",
)  # fmt: skip
PORT_FIELDS = ("uuid", "address", "node_uuid")
RETRIES = 5
NODE_LOCKED = "is locked by host"  # Ironic's NodeLocked (409): retry after the task
BACKOFF = 0.1  # seconds before the first retry; doubled each time, plus jitter
TRANSIENT = (sdk_exceptions.HttpException, ksa_exceptions.RetriableConnectionFailure)


@dataclasses.dataclass(frozen=True)
class OneViewNode:
    """A node of the ``oneview`` hardware type as enrollment sees it."""

    uuid: str
    name: str | None
    server_uri: str | None
    template_id: str | None
    provision_state: str
    maintenance: bool
    maintenance_reason: str | None
    applied_profile_uri: str | None
    resource_class: str | None
    properties: Mapping[str, Any]
    traits: frozenset[str]
    instance_uuid: str | None
    last_error: str | None
    port_macs: frozenset[str]
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or self.uuid

    @classmethod
    def from_api(cls, node: Mapping[str, Any], macs: frozenset[str]) -> OneViewNode:
        info = node.get("driver_info") or {}
        internal = node.get("driver_internal_info") or {}
        return cls(
            uuid=str(node["uuid"]),
            name=node.get("name"),
            server_uri=normalize_server_uri(info.get(SERVER_HARDWARE)),
            template_id=_template_id(info, node.get("properties") or {}),
            provision_state=str(node.get("provision_state") or ""),
            maintenance=bool(node.get("maintenance")),
            maintenance_reason=node.get("maintenance_reason"),
            # The ownership marker moves to driver_internal_info; read both places.
            applied_profile_uri=internal.get(APPLIED_PROFILE) or info.get(APPLIED_PROFILE),
            resource_class=node.get("resource_class"),
            properties=node.get("properties") or {},
            traits=frozenset(node.get("traits") or ()),
            instance_uuid=node.get("instance_uuid"),
            last_error=node.get("last_error"),
            port_macs=macs,
            extra=node.get("extra") or {},
        )


@dataclasses.dataclass(frozen=True)
class IronicNodes:
    """Ironic's ``oneview`` nodes and every port's MAC, from two listings."""

    nodes: tuple[OneViewNode, ...]
    port_owner: Mapping[str, str]
    """MAC (lower case) -> UUID of the node that has the port (any driver)."""

    def by_server(self) -> dict[str, OneViewNode]:
        return {node.server_uri: node for node in self.nodes if node.server_uri}

    def by_uuid(self) -> dict[str, OneViewNode]:
        return {node.uuid: node for node in self.nodes}

    def find(self, ref: str) -> OneViewNode | None:
        """A node by UUID or name."""
        for node in self.nodes:
            if ref in (node.uuid, node.name):
                return node
        return None


def _template_id(info: Mapping[str, Any], properties: Mapping[str, Any]) -> str | None:
    """The id (lower case) of the node's template: driver_info, else its capabilities."""
    value = info.get(TEMPLATE)
    if not value:
        for item in str(properties.get("capabilities") or "").split(","):
            key, _, found = item.partition(":")
            if key.strip() == TEMPLATE:
                value = found
    return str(value).rstrip("/").rsplit("/", 1)[-1].lower() if value else None


def normalize_server_uri(value: object) -> str | None:
    """``/rest/server-hardware/<id>`` (lower case) from a URI or a bare id."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().rstrip("/")
    if "/rest/" in text:
        text = text[text.index("/rest/") :]
    elif not text.startswith("/"):
        text = SERVER_HARDWARE_PATH + text
    return text.lower()


def read_ironic(baremetal: Any, *, ports: bool = True) -> IronicNodes:
    """Ironic's ``oneview`` nodes with their ports' MACs: two paged listings (one when
    *ports* is false: the nodes then show no MACs and ``port_owner`` is empty)."""
    port_owner: dict[str, str] = {}
    macs_of: dict[str, set[str]] = {}
    port_fields = {"fields": ",".join(PORT_FIELDS)}
    for port in paginate(baremetal, "/ports", "ports", port_fields) if ports else ():
        mac = str(port.get("address") or "").lower()
        owner = str(port.get("node_uuid") or "")
        if mac:
            port_owner[mac] = owner
            macs_of.setdefault(owner, set()).add(mac)
    params = {"driver": DRIVER, "fields": ",".join(NODE_FIELDS)}
    nodes = tuple(
        OneViewNode.from_api(node, frozenset(macs_of.get(str(node["uuid"]), ())))
        for node in paginate(baremetal, "/nodes", "nodes", params)
    )
    return IronicNodes(nodes=nodes, port_owner=port_owner)


def paginate(
    baremetal: Any, path: str, key: str, params: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    """Every member of an Ironic collection, following its ``next`` links."""
    query: dict[str, str] = {**params, "limit": str(PAGE_SIZE)}
    marker: str | None = None
    while True:
        if marker:
            query["marker"] = marker
        body = call(baremetal, "GET", path, params=query)
        members = body.get(key) or []
        yield from members
        if not body.get("next") or not members:
            return
        marker = str(members[-1]["uuid"])


def create_node(baremetal: Any, spec: NodeSpec) -> None:
    call(baremetal, "POST", "/nodes", json=spec.body())


def set_traits(baremetal: Any, node_uuid: str, traits: Sequence[str]) -> None:
    call(baremetal, "PUT", f"/nodes/{node_uuid}/traits", json={"traits": list(traits)})


def create_port(baremetal: Any, node_uuid: str, port: PortSpec) -> None:
    call(baremetal, "POST", "/ports", json=port.body(node_uuid))


def ensure_port(baremetal: Any, node_uuid: str, port: PortSpec) -> None:
    """Create the port; one that exists already with this node is fine (a retry, a rerun)."""
    try:
        create_port(baremetal, node_uuid, port)
    except sdk_exceptions.ConflictException:
        if port_node(baremetal, port.address) != node_uuid:
            raise


def port_node(baremetal: Any, address: str) -> str | None:
    """The UUID of the node that has a port with this MAC, if any."""
    params = {"address": address, "fields": "node_uuid"}
    ports = call(baremetal, "GET", "/ports", params=params).get("ports") or []
    return str(ports[0]["node_uuid"]) if ports else None


def delete_node(baremetal: Any, node_uuid: str) -> None:
    """Delete a node (and so its ports); a node already gone is not an error."""
    with contextlib.suppress(sdk_exceptions.NotFoundException):
        call(baremetal, "DELETE", f"/nodes/{node_uuid}")


def set_maintenance(baremetal: Any, node_uuid: str, reason: str) -> None:
    call(baremetal, "PUT", f"/nodes/{node_uuid}/maintenance", json={"reason": reason})


def get_node(baremetal: Any, ref: str) -> dict[str, Any] | None:
    """One node by UUID or name (every field), ``None`` if there is none."""
    try:
        return call(baremetal, "GET", f"/nodes/{ref}")
    except sdk_exceptions.NotFoundException:
        return None


def call(
    baremetal: Any,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    retries: int = RETRIES,
) -> dict[str, Any]:
    """One Ironic request; an error status raises openstacksdk's exception for it.

    A transient failure (5xx, e.g. a database busy under concurrent writes, or a refused or
    dropped connection) is retried up to *retries* times with backoff. A retried create whose
    first attempt got through answers 409: callers treat that as "already there".
    """
    for attempt in range(retries + 1):
        try:
            response = baremetal.request(
                path,
                method,
                json=json,
                params=dict(params or {}),
                microversion=MICROVERSION,
                raise_exc=False,
                # openstacksdk retries every baremetal 409 for ~30 s; a duplicate is no
                # reason to wait: the retries here are ours (5xx and a locked node only).
                status_code_retries=0,
            )
            sdk_exceptions.raise_from_response(response)
            break
        except TRANSIENT as error:
            if attempt == retries or not _transient(error):
                raise
            delay = BACKOFF * 2**attempt * (1 + random.random())  # noqa: S311 - jitter
            LOG.debug("Ironic %s %s failed (%s); retrying in %.2f s", method, path, error, delay)
            time.sleep(delay)
    if response.status_code == 204 or not response.content:
        return {}
    body = response.json()
    return body if isinstance(body, dict) else {}


def _transient(error: Exception) -> bool:
    """A failure worth repeating: 5xx, a node locked by a conductor, a lost connection."""
    if isinstance(error, sdk_exceptions.HttpException):
        status = error.status_code or 0
        return status >= 500 or (status == 409 and NODE_LOCKED in str(error.details or ""))
    return True


def error_text(error: Exception) -> str:
    """Ironic's own message of an openstacksdk error, without the HTTP preamble."""
    if isinstance(error, sdk_exceptions.HttpException):
        details = error.details or error.message or str(error)
        return f"{details} (HTTP {error.status_code})" if error.status_code else str(details)
    return str(error)
