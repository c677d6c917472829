"""The MAC addresses a ramdisk sees on a server: what a virtual agent's lookup sends."""

from __future__ import annotations

from typing import Any

from oneview_openstack.simulator.resources import ports
from oneview_openstack.simulator.resources.profile_model import connections_of
from oneview_openstack.simulator.store import Store


def addresses(store: Store, server: dict[str, Any]) -> tuple[str, ...]:
    """Every Ethernet port's MAC (FlexNICs, or physical ports without them), lower case.

    A connection of the applied profile gives its port the connection's MAC (virtual
    or user-defined MACs replace the hardware's, as Virtual Connect does); a connection
    on a port the port map does not list (rack servers) adds its MAC.
    """
    by_port = {
        port.port_id: port.mac
        for port in ports.server_ports(server)
        if port.port_type == "Ethernet" and port.mac
    }
    extra = []
    profile_uri = server.get("serverProfileUri")
    profile = store.get(profile_uri) if profile_uri else None
    for connection in connections_of(profile or {}):
        mac = connection.get("mac")
        if not mac or connection.get("functionType", "Ethernet") != "Ethernet":
            continue
        port_id = connection.get("portId")
        found = ports.find_port(server, port_id) if isinstance(port_id, str) else None
        if found is not None:
            by_port[found.port_id] = mac
        else:
            extra.append(mac)
    return tuple(sorted({str(mac).lower() for mac in [*by_port.values(), *extra]}))
