"""Neutron trunks (VLAN-aware bare metal) on OneView: one connection to a network set.

A trunk whose parent is a bare-metal port bound by the ``oneview`` driver is carried by ONE
profile connection (the parent's) pointing at a OneView network set named
``Neutron trunk [<trunk id>]``: the parent network's OneView network untagged (the set's
``nativeNetworkUri``) and the OneView networks of the subports' networks, each on its own
VLAN. OneView cannot retag, so a subport's ``segmentation_id`` must be its network's VLAN
(or ``inherit``); anything else is refused when the subport is added.

The mechanism driver asks :meth:`OneViewTrunkDriver.network_uri` which network a bound port
carries: for a trunk parent the set is made (or brought up to date) there, so binding,
re-plugging and the synchronization all go through the same idempotent code. The trunk
callbacks only re-plug the parent (subports added or removed, trunk created on a bound port
or deleted) and report the outcome as trunk and subport status, as Neutron's trunk drivers
do: ACTIVE when OneView has it, DEGRADED when some subport is not carried, ERROR when
OneView refused. Unbinding the parent gives the NIC back and deletes the set.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from neutron.services.trunk.drivers import base as trunk_base
from neutron_lib import constants as n_const
from neutron_lib import context as n_context
from neutron_lib import exceptions as n_exc
from neutron_lib.api.definitions import portbindings
from neutron_lib.callbacks import events, registry, resources
from neutron_lib.db import api as db_api
from neutron_lib.plugins import directory
from neutron_lib.services.trunk import constants as trunk_consts
from oslo_config import cfg

from oneview_openstack import client
from oneview_openstack.ml2 import ports
from oneview_openstack.ml2.db import api as db
from oneview_openstack.ml2.db.models import NetworkState

if TYPE_CHECKING:
    from oneview_openstack.ml2.mech_driver import OneViewMechanismDriver

LOG = logging.getLogger(__name__)

NAME = "oneview"
NETWORK_SET_PREFIX = "Neutron trunk "
SUPPORTED_INTERFACES = (portbindings.VIF_TYPE_OTHER,)
SUPPORTED_SEGMENTATION_TYPES = (trunk_consts.SEGMENTATION_TYPE_VLAN,)


def network_set_name(trunk_id: str) -> str:
    return f"{NETWORK_SET_PREFIX}[{trunk_id}]"


class SubportRefused(n_exc.BadRequest):  # type: ignore[misc]
    message = "Trunk subport %(port)s cannot be carried by OneView: %(reason)s"


class OneViewTrunkDriver(trunk_base.DriverBase):  # type: ignore[misc]
    """The trunk driver of the ``oneview`` mechanism driver (agentless, bound ports too)."""

    def __init__(self, mech: OneViewMechanismDriver) -> None:
        super().__init__(
            NAME,
            SUPPORTED_INTERFACES,
            SUPPORTED_SEGMENTATION_TYPES,
            agent_type=None,
            can_trunk_bound_port=True,
        )
        self._mech = mech
        self._lock = threading.RLock()

    @classmethod
    def create(cls, mech: OneViewMechanismDriver) -> OneViewTrunkDriver:
        return cls(mech)

    @property
    def is_loaded(self) -> bool:
        try:
            return NAME in cfg.CONF.ml2.mechanism_drivers
        except cfg.NoSuchOptError:
            return False

    @registry.receives(resources.TRUNK_PLUGIN, [events.AFTER_INIT])  # type: ignore[untyped-decorator]
    def register(self, resource: str, event: str, trigger: Any, payload: Any = None) -> None:
        super().register(resource, event, trigger, payload=payload)
        subscriptions = (
            (self._validate_trunk, resources.TRUNK, events.PRECOMMIT_CREATE),
            (self._validate_subports, resources.SUBPORTS, events.PRECOMMIT_CREATE),
            (self._trunk_created, resources.TRUNK, events.AFTER_CREATE),
            (self._trunk_deleted, resources.TRUNK, events.AFTER_DELETE),
            (self._subports_added, resources.SUBPORTS, events.AFTER_CREATE),
            (self._subports_removed, resources.SUBPORTS, events.AFTER_DELETE),
            (self._port_updated, resources.PORT, events.AFTER_UPDATE),
        )
        for callback, kind, event_name in subscriptions:
            registry.subscribe(callback, kind, event_name)

    # -- what the mechanism driver asks --------------------------------------------------

    def network_uri(self, plugin_context: Any, port: Mapping[str, Any], own_uri: str) -> str:
        """The URI a bound port's connection carries: its trunk's network set, if any.

        :raises client.OneViewError: the network set could not be made or updated.
        """
        trunk = _trunk_of_port(port["id"])
        if trunk is None:
            return own_uri
        members, _missing = self._members(trunk)
        return self.ensure_network_set(str(trunk.id), own_uri, members)

    def ensure_network_set(self, trunk_id: str, native_uri: str, members: Sequence[str]) -> str:
        """The trunk's network set, created or updated to carry exactly these networks."""
        wanted = sorted({native_uri, *members})
        name = network_set_name(trunk_id)
        network_sets = self._mech.ov.network_sets
        with self._lock:
            found = network_sets.find_by_name(name)
            if found is None:
                created = network_sets.create(name, wanted, native_network_uri=native_uri)
                LOG.info(
                    "Trunk %s: network set %s created (%d networks)", trunk_id, name, len(wanted)
                )
                return created.uri

            def change(network_set: client.NetworkSet) -> bool:
                changed = False
                if sorted(network_set.network_uris) != wanted:
                    network_set.network_uris = wanted
                    changed = True
                if network_set.native_network_uri != native_uri:
                    network_set.data["nativeNetworkUri"] = native_uri
                    changed = True
                return changed

            return network_sets.modify(found.uri, change).uri

    def delete_network_set(self, trunk_id: str) -> None:
        name = network_set_name(trunk_id)
        try:
            with self._lock:
                found = self._mech.ov.network_sets.find_by_name(name)
                if found is not None:
                    self._mech.ov.network_sets.delete(found.uri)
                    LOG.info("Trunk %s: network set %s deleted", trunk_id, name)
        except client.OneViewError as error:
            LOG.error("Trunk %s: could not delete network set %s: %s", trunk_id, name, error)

    def _members(self, trunk: Any) -> tuple[list[str], list[str]]:
        """The OneView URIs of the subports' networks, and the subports without one."""
        context = n_context.get_admin_context()
        subports = list(trunk.sub_ports or ())
        if not subports:
            return [], []
        found = directory.get_plugin().get_ports(
            context, filters={"id": [s.port_id for s in subports]}
        )
        networks = {p["id"]: p["network_id"] for p in found}
        uris: list[str] = []
        missing: list[str] = []
        for subport in subports:
            row = db.get_network(context, networks.get(subport.port_id, ""))
            if row is None or not row.oneview_network_uri or row.state != NetworkState.ACTIVE:
                LOG.error(
                    "Trunk %s: the network of subport %s is not on OneView: not carried",
                    trunk.id,
                    subport.port_id,
                )
                missing.append(subport.port_id)
            else:
                uris.append(row.oneview_network_uri)
        return uris, missing

    # -- validation (in the transaction: a refusal leaves nothing) -----------------------

    def _validate_trunk(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.desired_state
        self._validate(payload.context, trunk.port_id, list(trunk.sub_ports or ()))

    def _validate_subports(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.states[-1]
        self._validate(payload.context, trunk.port_id, list(payload.metadata["subports"]))

    def _validate(self, context: Any, parent_id: str, subports: list[Any]) -> None:
        if not subports:
            return
        plugin = directory.get_plugin()
        parent = plugin.get_port(context, parent_id)
        if db.get_network(context, parent["network_id"]) is None:
            return  # the parent's network is not OneView's: not this driver's trunk
        found = plugin.get_ports(context, filters={"id": [s.port_id for s in subports]})
        networks = {p["id"]: p["network_id"] for p in found}
        for subport in subports:
            network_id = networks.get(subport.port_id, "")
            row = db.get_network(context, network_id)
            if row is None:
                raise SubportRefused(
                    port=subport.port_id,
                    reason=f"its network {network_id} is not mapped to OneView",
                )
            if row.segmentation_id is None:
                raise SubportRefused(
                    port=subport.port_id,
                    reason=(
                        f"its network {network_id} has no VLAN ({row.network_type}); only "
                        "the parent's network can be untagged"
                    ),
                )
            if subport.segmentation_id != row.segmentation_id:
                raise SubportRefused(
                    port=subport.port_id,
                    reason=(
                        f"VLAN {subport.segmentation_id} was asked, but its network "
                        f"{network_id} is VLAN {row.segmentation_id} and OneView network "
                        f"sets carry each network on its own VLAN: use segmentation_id "
                        f"{row.segmentation_id} or segmentation_type inherit"
                    ),
                )

    # -- callbacks ------------------------------------------------------------------------

    def _trunk_created(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.states[-1]
        self._replug(trunk.id, trunk.port_id)

    def _subports_added(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.states[-1]
        self._replug(trunk.id, trunk.port_id)

    def _subports_removed(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.states[-1]
        context = n_context.get_admin_context()
        for subport in payload.metadata["subports"]:
            _set_port_status(context, subport.port_id, n_const.PORT_STATUS_DOWN)
        self._replug(trunk.id, trunk.port_id)

    def _trunk_deleted(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        trunk = payload.states[0]
        context = n_context.get_admin_context()
        parent = _bound_parent(context, trunk.port_id)
        if parent is not None:
            self._mech.plug(context, parent)  # the parent carries its own network again
        for subport in trunk.sub_ports or ():
            _set_port_status(context, subport.port_id, n_const.PORT_STATUS_DOWN)
        self.delete_network_set(str(trunk.id))

    def _port_updated(self, resource: str, event: str, trigger: Any, payload: Any) -> None:
        original, port = payload.states[0], payload.latest_state
        if not port.get("trunk_details") and not original.get("trunk_details"):
            return
        trunk = _trunk_of_port(port["id"])
        if trunk is None:
            return
        was_bound = original.get(portbindings.VIF_TYPE) == portbindings.VIF_TYPE_OTHER
        bound = port.get(portbindings.VIF_TYPE) == portbindings.VIF_TYPE_OTHER
        if was_bound and not bound and ports.is_baremetal(original):
            # the NIC goes back first (the set is in use until then); the mechanism
            # driver's own unplug that follows finds nothing left to do
            if self._mech.unplug(original):
                self.delete_network_set(str(trunk.id))
            context = n_context.get_admin_context()
            for subport in trunk.sub_ports or ():
                _set_port_status(context, subport.port_id, n_const.PORT_STATUS_DOWN)
            return
        became_active = original.get("status") != n_const.PORT_STATUS_ACTIVE
        if bound and became_active and port.get("status") == n_const.PORT_STATUS_ACTIVE:
            self._report(n_context.get_admin_context(), trunk, plugged=True)

    def _replug(self, trunk_id: str, parent_id: str) -> None:
        """Plug the parent again (the set follows the trunk) and report the outcome."""
        context = n_context.get_admin_context()
        parent = _bound_parent(context, parent_id)
        trunk = _trunk_of_port(parent_id)
        if parent is None or trunk is None:
            return  # not bound here (yet): binding will make the set
        self._report(context, trunk, plugged=self._mech.plug(context, parent))

    def _report(self, context: Any, trunk: Any, *, plugged: bool) -> None:
        subports = [s.port_id for s in trunk.sub_ports or ()]
        if not plugged:
            _set_trunk_status(context, trunk.id, trunk_consts.TRUNK_ERROR_STATUS)
            return
        _members, missing = self._members(trunk)
        for port_id in subports:
            status = n_const.PORT_STATUS_DOWN if port_id in missing else n_const.PORT_STATUS_ACTIVE
            _set_port_status(context, port_id, status)
        status = trunk_consts.TRUNK_DEGRADED_STATUS if missing else trunk_consts.TRUNK_ACTIVE_STATUS
        _set_trunk_status(context, trunk.id, status)


def _trunk_of_port(port_id: str) -> Any:
    from neutron.objects import trunk as trunk_objects

    context = n_context.get_admin_context()
    with db_api.CONTEXT_READER.using(context):
        return trunk_objects.Trunk.get_object(context, port_id=port_id)


def _bound_parent(context: Any, port_id: str) -> dict[str, Any] | None:
    """The parent port, if this driver bound it."""
    from neutron.plugins.ml2 import models as ml2_models

    with db_api.CONTEXT_READER.using(context):
        level = (
            context.session.query(ml2_models.PortBindingLevel)
            .filter_by(port_id=port_id, driver=NAME)
            .first()
        )
    if level is None:
        return None
    try:
        port: dict[str, Any] = directory.get_plugin().get_port(context, port_id)
    except n_exc.PortNotFound:
        return None
    return port


def _set_trunk_status(context: Any, trunk_id: str, status: str) -> None:
    from neutron.objects import trunk as trunk_objects

    with db_api.CONTEXT_WRITER.using(context):
        trunk = trunk_objects.Trunk.get_object(context, id=trunk_id)
        if trunk is not None and trunk.status != status:
            trunk.update(status=status)


def _set_port_status(context: Any, port_id: str, status: str) -> None:
    plugin = directory.get_plugin()
    try:
        if plugin.get_port(context, port_id)["status"] != status:
            plugin.update_port_status(context, port_id, status)
    except n_exc.PortNotFound:
        pass
