"""Server-profile connections of bound ports: added or pointed at the port's network after
commit, and given back on unbind.

The NIC belongs to the port while it is bound: its connection (the one on the NIC's
``portId``, or a new one) carries the port's network and is named after the port. On
unbind, the NIC goes back to what the profile's template says about it (its network, name
and boot priority), or its connection is removed when the template has none. Edits are
read-modify-write with the profile's eTag, so concurrent bindings on one server do not
overwrite each other, and an edit that is already there sends nothing (idempotent).

OneView refuses some connection edits on a server that is on (``ServerNotOffProfileEdit``);
only then is the server powered off, the edit made and the server powered on again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from oneview_openstack import client
from oneview_openstack.ml2.ports import LEGACY_PREFIX, PortPlan, port_of_connection
from oneview_openstack.ml2.servers import Nic

LOG = logging.getLogger(__name__)

#: errorCodes of OneView's "the server must be off for this profile change".
POWER_OFF_REQUIRED = frozenset(
    {"ServerNotOffProfileEdit", "ServerNotOffWithCauseForNoServerChange", "SERVER_NOT_OFF"}
)
#: The profile API version from which connections may be aggregated (``lagName``).
LAG_API_VERSION = 500


class ProfileEditor:
    """Plugs and unplugs ports in the profiles of their servers."""

    def __init__(self, ov: client.OneViewClient, *, power_off_timeout: float = 120.0) -> None:
        self._ov = ov
        self._power_off_timeout = power_off_timeout

    def plug(self, plan: PortPlan, network_uri: str) -> bool:
        """The port's NICs carry ``network_uri``; False when the server has no profile yet.

        :raises client.OneViewError: OneView refused the edit.
        """
        lag = self._lag_wanted(plan)

        def edit(profile: client.ServerProfile, _template: Any) -> bool:
            return plug_connections(profile, plan, network_uri, lag=lag)

        return self._edit(plan.nics[0].server_uri, edit, need_template=False) is not None

    def unplug(self, plan: PortPlan) -> bool:
        """The port's NICs go back to their template's connections (or lose theirs); False
        when there was nothing of the port's to give back."""

        def edit(
            profile: client.ServerProfile, template: client.ServerProfileTemplate | None
        ) -> bool:
            return unplug_connections(profile, plan, template)

        return bool(self._edit(plan.nics[0].server_uri, edit, need_template=True))

    def _lag_wanted(self, plan: PortPlan) -> bool:
        return plan.bond and self._ov.api_version >= LAG_API_VERSION

    def release(self, profile_uri: str, port_id: str) -> bool:
        """Give back the connections named after ``port_id`` (a port no longer bound here)."""
        template = self._template_of(profile_uri)

        def change(profile: client.ServerProfile) -> bool:
            return release_connections(profile, port_id, template)

        self._modify(profile_uri, change)
        return True

    def _edit(
        self,
        server_uri: str,
        edit: Callable[[client.ServerProfile, client.ServerProfileTemplate | None], bool],
        *,
        need_template: bool,
    ) -> bool | None:
        """Edit the server's profile; None without a profile, else whether it changed."""
        server = self._ov.server_hardware.get(server_uri)
        profile_uri = server.server_profile_uri
        if not profile_uri:
            LOG.info(
                "Server %s has no server profile: its connections are set when one is applied",
                server.name,
            )
            return None
        template = self._template_of(profile_uri) if need_template else None
        changed: list[bool] = []

        def change(profile: client.ServerProfile) -> bool:
            changed.append(edit(profile, template))
            return changed[-1]

        self._modify(profile_uri, change, server)
        return changed[-1]

    def _modify(
        self,
        profile_uri: str,
        change: Callable[[client.ServerProfile], bool],
        server: client.ServerHardware | None = None,
    ) -> None:
        try:
            self._ov.server_profiles.modify(profile_uri, change)
        except client.OneViewError as error:
            if error.error_code not in POWER_OFF_REQUIRED:
                raise
            if server is None:
                hardware_uri = self._ov.server_profiles.get(profile_uri).server_hardware_uri
                if not hardware_uri:
                    raise
                server = self._ov.server_hardware.get(hardware_uri)
            self._edit_powered_off(server, profile_uri, change)

    def _template_of(self, profile_uri: str) -> client.ServerProfileTemplate | None:
        profile = self._ov.server_profiles.get(profile_uri)
        uri = profile.server_profile_template_uri
        if not uri:
            return None
        try:
            return self._ov.server_profile_templates.get(uri)
        except client.NotFound:
            return None

    def _edit_powered_off(
        self,
        server: client.ServerHardware,
        profile_uri: str,
        change: Callable[[client.ServerProfile], bool],
    ) -> None:
        LOG.info(
            "OneView edits the connections of server %s only while it is off: powering it "
            "off for the edit, then on again",
            server.name,
        )
        hardware = self._ov.server_hardware
        hardware.set_power(
            server, client.PowerState.OFF, client.PowerControl.PRESS_AND_HOLD,
            timeout=self._power_off_timeout,
        )  # fmt: skip
        try:
            self._ov.server_profiles.modify(profile_uri, change)
        finally:
            hardware.set_power(server, client.PowerState.ON, timeout=self._power_off_timeout)


def plug_connections(
    profile: client.ServerProfile, plan: PortPlan, network_uri: str, *, lag: bool = False
) -> bool:
    """Point (or add) the connection of every NIC of ``plan``; True when the profile changed."""
    changed = False
    lag_name = _lag_name(profile, plan) if lag else None
    for nic in plan.nics:
        connection = connection_of(profile, nic, plan)
        if connection is None:
            connection = profile.add_connection(
                client.ProfileConnection.new(
                    name=plan.connection_name,
                    network_uri=network_uri,
                    port_id=nic.port_id,
                    boot_priority=_boot_priority(profile, plan),
                )
            )
            changed = True
        if not lag and connection.network_uri == network_uri and not _is_ours(connection, plan):
            continue  # already carries the network (the template's): nothing to write
        changed |= _set(connection.data, "name", plan.connection_name)
        changed |= _set(connection.data, "networkUri", network_uri)
        if lag:
            changed |= _set(connection.data, "lagName", lag_name)
    return changed


def unplug_connections(
    profile: client.ServerProfile,
    plan: PortPlan,
    template: client.ServerProfileTemplate | None,
) -> bool:
    """Give the NICs of ``plan`` back to the template; True when the profile changed."""
    changed = False
    for nic in plan.nics:
        connection = connection_of(profile, nic, plan)
        if connection is None or not _is_ours(connection, plan):
            continue
        _give_back(profile, connection, _template_connection(template, nic))
        changed = True
    return changed


def release_connections(
    profile: client.ServerProfile,
    port_id: str,
    template: client.ServerProfileTemplate | None,
) -> bool:
    """Give back every connection named after ``port_id``; True when the profile changed."""
    changed = False
    for connection in profile.connections:
        if port_of_connection(connection.name) != port_id:
            continue
        original = None
        if template is not None and connection.port_id:
            original = next(
                (
                    c
                    for c in template.connections
                    if _same_port(c.port_id, connection.port_id) and c.network_uri
                ),
                None,
            )
        _give_back(profile, connection, original)
        changed = True
    return changed


def _give_back(
    profile: client.ServerProfile,
    connection: client.ProfileConnection,
    original: client.ProfileConnection | None,
) -> None:
    """Restore the template's connection on the NIC, or remove the connection."""
    if original is None:
        profile.remove_connections(lambda c: c.data is connection.data)
        return
    connection.data["name"] = original.name
    connection.data["networkUri"] = original.network_uri
    connection.data["boot"] = dict(original.data.get("boot") or {})
    connection.data.pop("lagName", None)


def connection_of(
    profile: client.ServerProfile, nic: Nic, plan: PortPlan | None = None
) -> client.ProfileConnection | None:
    """The connection on the NIC: by portId, else one named after the port."""
    connections = [
        c for c in profile.connections if c.function_type is client.FunctionType.ETHERNET
    ]
    for connection in connections:
        if _same_port(connection.port_id, nic.port_id):
            return connection
    for connection in connections:
        if (connection.mac or "").lower() == nic.mac:
            return connection
    return None


def _is_ours(connection: client.ProfileConnection, plan: PortPlan) -> bool:
    name = connection.name or ""
    return port_of_connection(name) == plan.port_id or (
        name.startswith(LEGACY_PREFIX) and any(nic.mac in name.lower() for nic in plan.nics)
    )


def _template_connection(
    template: client.ServerProfileTemplate | None, nic: Nic
) -> client.ProfileConnection | None:
    if template is None:
        return None
    for connection in template.connections:
        if _same_port(connection.port_id, nic.port_id) and connection.network_uri:
            return connection
    return None


def _same_port(a: str | None, b: str) -> bool:
    return (a or "").replace(" ", "").lower() == b.replace(" ", "").lower()


def _boot_priority(profile: client.ServerProfile, plan: PortPlan) -> client.BootPriority:
    """networking-oneview's rule: a bootable port is Primary, else Secondary, if free."""
    if not plan.bootable:
        return client.BootPriority.NOT_BOOTABLE
    taken = {
        c.boot_priority
        for c in profile.connections
        if c.function_type is client.FunctionType.ETHERNET
    }
    for priority in (client.BootPriority.PRIMARY, client.BootPriority.SECONDARY):
        if priority not in taken:
            return priority
    LOG.warning(
        "Port %s is bootable, but the profile already has a Primary and a Secondary boot "
        "connection: its connection is not bootable",
        plan.port_id,
    )
    return client.BootPriority.NOT_BOOTABLE


def _lag_name(profile: client.ServerProfile, plan: PortPlan) -> str:
    """The LAG the port's connections already share, or the first free ``LAG<n>``."""
    ours = {id(c.data) for nic in plan.nics if (c := connection_of(profile, nic, plan))}
    used: dict[str, bool] = {}
    for connection in profile.connections:
        name = connection.data.get("lagName")
        if name:
            used[name] = used.get(name, False) or id(connection.data) in ours
    for name, shared in used.items():
        if shared:
            return name
    number = 1
    while f"LAG{number}" in used:
        number += 1
    return f"LAG{number}"


def _set(data: dict[str, Any], key: str, value: Any) -> bool:
    if data.get(key) == value:
        return False
    data[key] = value
    return True
