"""The ML2 mechanism driver ``oneview`` (entry point ``neutron.ml2.mechanism_drivers``).

Like networking-generic-switch: ``bind_port`` only decides (a bare-metal port naming a
OneView NIC, on a mapped segment) and registers a provisioning block; the OneView work
happens after commit, and the port turns ACTIVE when its connection is in the profile.
Networks are recorded in the transaction that creates or deletes them
(:mod:`.db.models`), so a OneView failure is either reported to the Neutron caller (and
undone) or completed by the synchronization (:mod:`.sync`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from neutron_lib import constants as n_const
from neutron_lib import context as n_context
from neutron_lib.api.definitions import portbindings
from neutron_lib.callbacks import resources
from neutron_lib.plugins.ml2 import api
from oslo_config import cfg

from oneview_openstack import client
from oneview_openstack.conf import ml2 as ml2_conf
from oneview_openstack.conf import oneview as oneview_conf
from oneview_openstack.ml2 import connections, mappings, networks, ports, sync
from oneview_openstack.ml2 import topology as topo
from oneview_openstack.ml2.db import api as db
from oneview_openstack.ml2.db.models import NetworkState, OneViewNetwork
from oneview_openstack.ml2.servers import ServerIndex
from oneview_openstack.ml2.uplinks import UplinkSetUpdater

LOG = logging.getLogger(__name__)

NAME = "oneview"
#: The provisioning-block entity: a bound port is ACTIVE once OneView has its connection.
PROVISIONING_ENTITY = "ONEVIEW"
_TOPOLOGY_RETRY = 10.0


class OneViewUnavailable(networks.OneViewRefused):
    message = (
        "OneView at %(url)s is not usable for Neutron network %(network)s: %(reason)s. "
        "The change was not made; try again when OneView answers."
    )


class OneViewMechanismDriver(api.MechanismDriver):  # type: ignore[misc]
    """Neutron networks and bare-metal ports on HPE OneView (Virtual Connect) fabrics."""

    @property
    def connectivity(self) -> str:
        # ports without an IP (networks without subnets) are offered to l2 drivers only
        return str(portbindings.CONNECTIVITY_L2)

    def initialize(self) -> None:
        conf = cfg.CONF
        ml2_conf.register_opts(conf)
        options = conf[ml2_conf.GROUP]
        self.uplink_mappings = mappings.parse_uplinkset_mappings(options.uplinkset_mappings)
        self.flat_mappings = mappings.parse_flat_net_mappings(options.flat_net_mappings)
        self.force_sync_delete_ops = bool(options.force_sync_delete_ops)
        self.ov = oneview_conf.new_client(conf[oneview_conf.GROUP])
        self.updater = UplinkSetUpdater(self.ov, window=options.batch_window)
        self.fabric = networks.NetworkFabric(self.ov, self.updater)
        self.servers = ServerIndex(self.ov, max_age=options.server_index_max_age)
        self.editor = connections.ProfileEditor(
            self.ov, power_off_timeout=options.power_off_timeout
        )
        self._topology: topo.Topology | None = None
        self._topology_error: Exception | None = None
        self._topology_read = -_TOPOLOGY_RETRY
        self._topology_lock = threading.Lock()
        self._lock = threading.Lock()
        self._busy: set[str] = set()
        #: ports deleted or unbound whose connections OneView refused to give back
        self.unplug_failed: set[str] = set()
        from oneview_openstack.ml2.trunks import OneViewTrunkDriver  # needs neutron's trunks

        self.trunk_driver = OneViewTrunkDriver.create(self)  # what trunk plugin asks for
        self._check_mappings()
        self.synchronizer = sync.Synchronizer(self, interval=options.sync_interval)
        self.synchronizer.start()
        LOG.info(
            "OneView ML2 driver: appliance %s; physical networks %s",
            self.ov.url,
            ", ".join(sorted(self.mapped_physical_networks)) or "none (nothing is mapped)",
        )

    def _check_mappings(self) -> None:
        """Refuse to load with mappings OneView does not know; start anyway when it is down.

        :raises topo.TopologyError: naming every mapping that does not resolve.
        """
        try:
            self.topology()
        except topo.TopologyError:
            raise
        except client.OneViewError as error:
            LOG.warning(
                "OneView at %s cannot be read (%s): the mappings are checked, and networks "
                "created, once it answers",
                self.ov.url,
                error,
            )

    # -- work in progress --------------------------------------------------------------

    @contextlib.contextmanager
    def working_on(self, network_id: str) -> Iterator[None]:
        """Mark a network as being handled by a request: the synchronization skips it."""
        with self._lock:
            self._busy.add(network_id)
        try:
            yield
        finally:
            with self._lock:
                self._busy.discard(network_id)

    def is_busy(self, network_id: str) -> bool:
        with self._lock:
            return network_id in self._busy

    # -- topology ----------------------------------------------------------------------

    @property
    def mapped_physical_networks(self) -> set[str]:
        return {m.physical_network for m in self.uplink_mappings} | {
            m.physical_network for m in self.flat_mappings
        }

    def topology(self, *, refresh: bool = False) -> topo.Topology:
        """The mappings resolved against OneView (read at start, at each sync, or on demand).

        :raises topo.TopologyError: a mapping does not resolve.
        :raises client.OneViewError: OneView cannot be read.
        """
        with self._topology_lock:
            due = time.monotonic() - self._topology_read >= _TOPOLOGY_RETRY
            if refresh or (self._topology is None and due):
                self._topology_read = time.monotonic()
                try:
                    self._topology = topo.resolve(self.ov, self.uplink_mappings, self.flat_mappings)
                except Exception as error:
                    self._topology_error = error
                    raise
            if self._topology is None:
                raise self._topology_error or client.ConnectionFailed("OneView not read yet")
            return self._topology

    def _topology_for(self, network_id: str) -> topo.Topology:
        try:
            return self.topology()
        except (client.OneViewError, topo.TopologyError) as error:
            raise OneViewUnavailable(url=self.ov.url, network=network_id, reason=error) from error

    # -- networks ----------------------------------------------------------------------

    def create_network_precommit(self, context: Any) -> None:
        network = context.current
        decided = self.mapped_segment(context.network_segments)
        if decided is None:
            _log_not_mapped(network, context.network_segments)
            return
        segment, managed = decided
        db.record_network(
            context._plugin_context,
            network["id"],
            physical_network=segment[api.PHYSICAL_NETWORK],
            network_type=segment[api.NETWORK_TYPE],
            segmentation_id=_vlan(segment),
            managed=managed,
        )

    def create_network_postcommit(self, context: Any) -> None:
        network = context.current
        row = db.get_network(context._plugin_context, network["id"])
        if row is None:
            return
        with self.working_on(network["id"]):
            resolved = self._topology_for(network["id"])
            uri = self.realize(row, network.get("name"), resolved)
            if uri is None:
                db.forget_network(context._plugin_context, network["id"])
                _log_not_mapped(network, context.network_segments)
                return
            db.set_state(
                context._plugin_context,
                network["id"],
                NetworkState.ACTIVE,
                oneview_network_uri=uri,
                expect=NetworkState.PENDING,
            )

    def realize(self, row: OneViewNetwork, name: str | None, resolved: topo.Topology) -> str | None:
        """Make the OneView side of a recorded network; its URI, None if nothing maps it.

        :raises networks.VlanInUse, networks.OneViewRefused: nothing was left behind.
        """
        if not row.managed:
            flat: str | None = resolved.flat_networks.get(row.physical_network)
            return flat
        spec = networks.NetworkSpec(
            row.neutron_network_id, name or "", row.physical_network, row.segmentation_id
        )
        if not resolved.targets(spec.physical_network, spec.kind):
            return None
        try:
            return self.fabric.create(spec, resolved)
        except client.OneViewError as error:
            raise networks.OneViewRefused(
                action="create the network or add it to its uplink sets",
                network=row.neutron_network_id,
                reason=error,
            ) from error

    def update_network_postcommit(self, context: Any) -> None:
        network, original = context.current, context.original
        if network.get("name") == original.get("name"):
            return
        row = db.get_network(context._plugin_context, network["id"])
        if row is None or not row.managed or not row.oneview_network_uri:
            return
        try:
            self.fabric.rename(row.oneview_network_uri, network["id"], network.get("name"))
        except client.OneViewError as error:
            LOG.error(
                "Neutron network %s: could not rename OneView network %s: %s (the "
                "synchronization will)",
                network["id"],
                row.oneview_network_uri,
                error,
            )

    def delete_network_precommit(self, context: Any) -> None:
        db.set_state(context._plugin_context, context.current["id"], NetworkState.DELETING)

    def delete_network_postcommit(self, context: Any) -> None:
        network_id = context.current["id"]
        with self.working_on(network_id):
            row = db.get_network(context._plugin_context, network_id)
            if row is not None:
                self.remove(context._plugin_context, row)

    def remove(self, plugin_context: Any, row: OneViewNetwork) -> bool:
        """Delete the OneView side of a deleted network; False (kept recorded) on failure."""
        if row.managed and row.oneview_network_uri:
            try:
                self.fabric.delete(row.oneview_network_uri)
            except client.OneViewError as error:
                LOG.error(
                    "Neutron network %s was deleted, but OneView network %s could not be: "
                    "%s; the synchronization will delete it",
                    row.neutron_network_id,
                    row.oneview_network_uri,
                    error,
                )
                return False
        db.forget_network(plugin_context, row.neutron_network_id)
        return True

    def mapped_segment(
        self, segments: Sequence[Mapping[str, Any]]
    ) -> tuple[Mapping[str, Any], bool] | None:
        """The first segment OneView carries, and whether the driver manages its network."""
        uplinked = {m.physical_network for m in self.uplink_mappings}
        flat = {m.physical_network for m in self.flat_mappings}
        for segment in segments or ():
            physnet, kind = segment.get(api.PHYSICAL_NETWORK), segment.get(api.NETWORK_TYPE)
            if kind == n_const.TYPE_VLAN and physnet in uplinked:
                return segment, True
            if kind == n_const.TYPE_FLAT and physnet in flat:
                return segment, False
            if kind == n_const.TYPE_FLAT and physnet in uplinked:
                return segment, True
        return None

    # -- ports -------------------------------------------------------------------------

    def bind_port(self, context: Any) -> None:
        """Bind a bare-metal port naming a OneView NIC to a mapped segment; nothing else."""
        port = context.current
        if not ports.is_baremetal(port):
            return
        plan = self._plan(port)
        if plan is None:
            return
        row = db.get_network(context._plugin_context, port["network_id"])
        if row is None or row.state != NetworkState.ACTIVE:
            LOG.info(
                "Port %s names server %s, but network %s is not mapped to OneView: not bound",
                port["id"],
                plan.nics[0].server_name,
                port["network_id"],
            )
            return
        for segment in context.segments_to_bind:
            if segment.get(api.PHYSICAL_NETWORK) == row.physical_network:
                context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OTHER, {})
                _add_provisioning_block(context._plugin_context, port["id"])
                return

    def update_port_postcommit(self, context: Any) -> None:
        port = context.current
        if ports.bound_by(context.binding_levels, NAME):
            if port.get("status") == n_const.PORT_STATUS_ACTIVE:
                return  # plugged already (this is provisioning_complete's own update)
            self.plug(context._plugin_context, port)
        elif ports.bound_by(context.original_binding_levels, NAME):
            self.unplug(context.original)

    def delete_port_postcommit(self, context: Any) -> None:
        if ports.bound_by(context.binding_levels, NAME):
            self.unplug(context.current)

    def plug(self, plugin_context: Any, port: Mapping[str, Any]) -> bool:
        """Connect a bound port in its server's profile, then mark it provisioned."""
        plan = self._plan(port)
        row = db.get_network(plugin_context, port["network_id"])
        if plan is None or row is None or not row.oneview_network_uri:
            LOG.error(
                "Port %s is bound, but its server or network is gone from OneView", port["id"]
            )
            return False
        try:
            network_uri = self.port_network_uri(plugin_context, port, row)
            done = self.editor.plug(plan, network_uri)
        except (client.OneViewError, networks.OneViewRefused) as error:
            LOG.error(
                "Port %s: could not connect %s of server %s to %s: %s (the synchronization "
                "will retry)",
                port["id"],
                ", ".join(nic.port_id for nic in plan.nics),
                plan.nics[0].server_name,
                row.oneview_network_uri,
                error,
            )
            return False
        if not done:
            # DOWN until a profile is applied and the synchronization (or a rebinding) plugs it
            return False
        LOG.info(
            "Port %s: %s of server %s connected to %s",
            port["id"],
            ", ".join(nic.port_id for nic in plan.nics),
            plan.nics[0].server_name,
            network_uri,
        )
        _provisioning_complete(plugin_context, port["id"])
        return True

    def port_network_uri(
        self, plugin_context: Any, port: Mapping[str, Any], row: OneViewNetwork
    ) -> str:
        """The network (or network set) a bound port's connection carries."""
        assert row.oneview_network_uri is not None
        return self.trunk_driver.network_uri(plugin_context, port, row.oneview_network_uri)

    def unplug(self, port: Mapping[str, Any]) -> bool:
        plan = self._plan(port)
        if plan is None:
            return False
        try:
            changed = self.editor.unplug(plan)
            with self._lock:
                self.unplug_failed.discard(str(port["id"]))
        except client.OneViewError as error:
            with self._lock:
                self.unplug_failed.add(str(port["id"]))
            LOG.error(
                "Port %s: could not remove its connection from the profile of server %s: %s "
                "(the synchronization will retry)",
                port["id"],
                plan.nics[0].server_name,
                error,
            )
            return False
        if changed:
            LOG.info("Port %s: unplugged from server %s", port["id"], plan.nics[0].server_name)
        return True

    def _plan(self, port: Mapping[str, Any]) -> ports.PortPlan | None:
        try:
            return ports.plan(port, self.servers)
        except client.OneViewError as error:
            LOG.error("Port %s: cannot read OneView's servers: %s", port.get("id"), error)
            return None


def _vlan(segment: Mapping[str, Any]) -> int | None:
    if segment.get(api.NETWORK_TYPE) != n_const.TYPE_VLAN:
        return None
    return int(segment[api.SEGMENTATION_ID])


def _log_not_mapped(network: Mapping[str, Any], segments: Sequence[Mapping[str, Any]]) -> None:
    described = ", ".join(
        f"{s.get(api.NETWORK_TYPE)}/{s.get(api.PHYSICAL_NETWORK)}" for s in segments or ()
    )
    LOG.info(
        "Neutron network %s (%s) is not mapped to OneView: left alone",
        network["id"],
        described or "no segment",
    )


def _add_provisioning_block(plugin_context: Any, port_id: str) -> None:
    from neutron.db import provisioning_blocks

    provisioning_blocks.add_provisioning_component(
        plugin_context, port_id, resources.PORT, PROVISIONING_ENTITY
    )


def _provisioning_complete(plugin_context: Any, port_id: str) -> None:
    from neutron.db import provisioning_blocks

    provisioning_blocks.provisioning_complete(
        plugin_context, port_id, resources.PORT, PROVISIONING_ENTITY
    )


def admin_context() -> Any:
    return n_context.get_admin_context()
