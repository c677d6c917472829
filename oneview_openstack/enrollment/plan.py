"""What to do for each server: compare what OneView shows with what Ironic has.

Pure: no request. Per server of the selection, one :class:`Step`:

====================  =====================================================================
:attr:`Action`        when
====================  =====================================================================
``CREATE``            no node has the server and it is free: node, traits, ports
``REPAIR``            its node misses ports or its ``CUSTOM_OV_*`` traits (a run was killed
                      between the node and its ports): the missing ones are added
``ENROLLED``          its node is complete: nothing to do
``SKIP``              a OneView user's profile is on it, OneView does not manage it, or one of
                      its MACs is another node's port: left alone, with the reason
====================  =====================================================================

A server a OneView user holds is never enrolled: dynamic allocation would only take it
away from Ironic again, and the user did not offer it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence

from oneview_openstack import client
from oneview_openstack.enrollment.catalog import Catalog, natural_key
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.enrollment.ironic import IronicNodes, OneViewNode, normalize_server_uri
from oneview_openstack.enrollment.spec import NodeOptions, PortSpec, node_uuid, port_specs
from oneview_openstack.ironic_driver import facts, ownership


class Action(enum.StrEnum):
    CREATE = "create"
    REPAIR = "repair"
    ENROLLED = "enrolled"
    SKIP = "skip"


@dataclasses.dataclass(frozen=True)
class Selection:
    """Which of the template's servers to consider.

    :param servers: names, UUIDs or URIs of servers (all compatible ones when empty); a name
        that matches no compatible server is an error.
    :param limit: create at most this many nodes (the first, in name order).
    """

    servers: tuple[str, ...] = ()
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise EnrollmentError(f"limit {self.limit} is not allowed; give 1 or more")


@dataclasses.dataclass(frozen=True)
class Step:
    """What to do for one server."""

    server: client.ServerHardware
    action: Action
    node: OneViewNode | None = None
    missing_ports: tuple[PortSpec, ...] = ()
    missing_traits: bool = False
    reason: str = ""

    @property
    def server_name(self) -> str:
        return self.server.name or self.server.uri


def plan(
    catalog: Catalog, ironic: IronicNodes, selection: Selection, options: NodeOptions
) -> list[Step]:
    """One step per selected server, in name order."""
    enrolled = ironic.by_server()
    steps = []
    created = 0
    for server in select(catalog.servers, selection, catalog.bundle.name):
        step = _step(server, catalog, ironic, enrolled, options)
        if step.action is Action.CREATE:
            if selection.limit is not None and created >= selection.limit:
                continue
            created += 1
        steps.append(step)
    return steps


def select(
    servers: Sequence[client.ServerHardware], selection: Selection, template: str
) -> list[client.ServerHardware]:
    """The chosen servers, each once; a name that is not a compatible server is an error."""
    if not selection.servers:
        return list(servers)
    chosen: dict[str, client.ServerHardware] = {}
    for ref in selection.servers:
        server = _find_server(servers, ref)
        if server is None:
            raise EnrollmentError(
                f"server hardware {ref!r} is not one of the {len(servers)} servers compatible "
                f"with template {template!r} (same hardware type and enclosure group); "
                "`server hardware list --template` shows them"
            )
        chosen[server.uri] = server
    return sorted(chosen.values(), key=natural_key)


def _find_server(
    servers: Sequence[client.ServerHardware], ref: str
) -> client.ServerHardware | None:
    wanted = ref.strip()
    uri = normalize_server_uri(wanted) if "/" in wanted else None
    for server in servers:
        if wanted in (server.name, server.id, server.uuid) or wanted.lower() == node_uuid(server):
            return server
        if uri is not None and uri == server.uri.rstrip("/").lower():
            return server
    return None


def _step(
    server: client.ServerHardware,
    catalog: Catalog,
    ironic: IronicNodes,
    enrolled: dict[str, OneViewNode],
    options: NodeOptions,
) -> Step:
    node = enrolled.get(server.uri.rstrip("/").lower())
    ports = port_specs(
        server, catalog.bundle.template, interconnects=catalog.interconnects, options=options
    )
    if node is not None:
        return _existing(server, node, ports)
    if server.state in facts.UNCONTROLLED_STATES:
        return Step(
            server,
            Action.SKIP,
            reason=f"OneView does not manage it (state {server.state.value})",
        )
    if ownership.owner(server.server_profile_uri, None) is not ownership.Owner.NOBODY:
        return Step(
            server,
            Action.SKIP,
            reason=f"in use by a OneView user: it carries server profile "
            f"{server.server_profile_uri}",
        )
    for port in ports:
        owner = ironic.port_owner.get(port.address)
        if owner is not None:
            return Step(
                server,
                Action.SKIP,
                reason=f"its NIC {port.oneview_port_id} ({port.address}) is already a port of "
                f"node {owner}",
            )
    return Step(server, Action.CREATE)


def _existing(server: client.ServerHardware, node: OneViewNode, ports: Sequence[PortSpec]) -> Step:
    missing = tuple(port for port in ports if port.address not in node.port_macs)
    no_traits = not any(trait.startswith(facts.TRAIT_PREFIX) for trait in node.traits)
    if missing or no_traits:
        return Step(
            server,
            Action.REPAIR,
            node=node,
            missing_ports=missing,
            missing_traits=no_traits,
            reason=_repair_reason(missing, no_traits),
        )
    return Step(server, Action.ENROLLED, node=node, reason=f"already node {node.label}")


def _repair_reason(missing: Sequence[PortSpec], no_traits: bool) -> str:
    parts = []
    if missing:
        parts.append(f"{len(missing)} port(s)")
    if no_traits:
        parts.append("its CUSTOM_OV_* traits")
    return "node misses " + " and ".join(parts)
