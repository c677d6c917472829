"""Synchronization of OneView with Neutron, at start and every ``sync_interval`` seconds.

One pass reads each kind once (Neutron's mapped networks and ports bound by this driver
from the database; OneView's networks, uplink sets, groups, server profiles and servers in
one paged listing each) and then:

- finishes what the database records as unfinished: networks still ``pending`` are created
  (or adopted) and joined to their uplink sets, networks ``deleting`` are deleted;
- repairs: a mapped Neutron network without a record is recorded and created, a recorded
  OneView network that disappeared is re-created, missing uplink-set memberships are added
  (one update per uplink set), OneView names follow Neutron names;
- ports: a port bound by this driver whose connection is missing or wrong is plugged again,
  and the connections of a port whose unbinding OneView refused are given back;
- with ``force_sync_delete_ops`` only (another Neutron may share the appliance): OneView
  networks named after a Neutron network that does not exist here (or is no longer mapped)
  are deleted, and connections named after a port not bound here are given back.

A pass that fails (OneView unreachable) is retried after ten seconds, not after the
interval. Each pass logs one line with its counts.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from neutron_lib.plugins import directory
from neutron_lib.plugins.ml2 import api
from oslo_db import exception as db_exc

from oneview_openstack import client
from oneview_openstack.ml2 import connections, networks, ports, topology
from oneview_openstack.ml2.db import api as db
from oneview_openstack.ml2.db.models import NetworkState, OneViewNetwork
from oneview_openstack.ml2.uplinks import Slot, slots

if TYPE_CHECKING:
    from oneview_openstack.ml2.mech_driver import OneViewMechanismDriver

LOG = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 10.0


@dataclasses.dataclass
class SyncReport:
    created: int = 0
    deleted: int = 0
    memberships: int = 0
    renamed: int = 0
    plugged: int = 0
    released: int = 0
    orphans: int = 0
    errors: int = 0

    def line(self) -> str:
        fields = dataclasses.asdict(self)
        return ", ".join(f"{key} {value}" for key, value in fields.items())


class Synchronizer:
    """Runs :meth:`run_once` in a daemon thread: at start, then every ``interval``."""

    def __init__(self, driver: OneViewMechanismDriver, *, interval: float) -> None:
        self._driver = driver
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.last_report: SyncReport | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="oneview-ml2-sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        succeeded_once = False
        while not self._stop.is_set():
            try:
                self.run_once()
                succeeded_once = True
            except Exception as error:
                LOG.exception("OneView synchronization failed: %s", error)
                self._stop.wait(RETRY_AFTER_FAILURE)
                continue
            if self._interval <= 0 and succeeded_once:
                return
            self._stop.wait(self._interval)

    def run_once(self) -> SyncReport:
        """One full pass (serialized: concurrent callers wait for each other)."""
        with self._lock:
            started = time.monotonic()
            report = _Pass(self._driver).run()
            self.last_report = report
            LOG.info(
                "OneView synchronization in %.1f s: %s", time.monotonic() - started, report.line()
            )
            return report


class _Pass:
    def __init__(self, driver: OneViewMechanismDriver) -> None:
        from oneview_openstack.ml2.mech_driver import admin_context

        self.driver = driver
        self.ov = driver.ov
        self.context = admin_context()
        self.report = SyncReport()
        #: URIs of the networks this pass created (they joined their uplink sets then)
        self.realized: set[str] = set()

    def run(self) -> SyncReport:
        existing, neutron_networks = self._neutron_networks()
        rows = {row.neutron_network_id: row for row in db.all_networks(self.context)}
        # OneView after the records: its listings have every network they record as active
        resolved = self.driver.topology(refresh=True)
        for network_id, entry in neutron_networks.items():
            if network_id not in rows and not self.driver.is_busy(network_id):
                recorded = self._record(network_id, entry)
                if recorded is not None:
                    rows[network_id] = recorded
        listed = resolved.networks
        oneview = {
            n.uri: n for n in (self.ov.ethernet_networks.list() if listed is None else listed)
        }
        names = {network_id: net.get("name") for network_id, (net, _) in neutron_networks.items()}
        for row in list(rows.values()):
            if self.driver.is_busy(row.neutron_network_id):
                continue  # a request is handling it right now
            if row.neutron_network_id not in existing and row.state != NetworkState.DELETING:
                row = self._deleted_meanwhile(row)
            self._network(row, names.get(row.neutron_network_id), oneview, resolved)
        active = [r for r in db.all_networks(self.context) if r.state == NetworkState.ACTIVE]
        self._memberships(active, resolved)
        if self.driver.force_sync_delete_ops:
            self._orphans(oneview.values(), set(neutron_networks), active)
        self._ports()
        return self.report

    # -- networks ------------------------------------------------------------------------

    def _neutron_networks(
        self,
    ) -> tuple[set[str], dict[str, tuple[dict[str, Any], Mapping[str, Any]]]]:
        """Ids of every Neutron network, and the mapped ones with their mapped segment."""
        plugin = directory.get_plugin()
        existing: set[str] = set()
        mapped: dict[str, tuple[dict[str, Any], Mapping[str, Any]]] = {}
        for network in plugin.get_networks(self.context):
            existing.add(network["id"])
            decided = self.driver.mapped_segment(_segments(network))
            if decided is not None:
                mapped[network["id"]] = (network, decided[0])
        return existing, mapped

    def _record(self, network_id: str, entry: Any) -> OneViewNetwork | None:
        """Record a mapped network that has no record (created before the driver ran)."""
        network, segment = entry
        managed = self.driver.mapped_segment([segment])
        # a request may record it meanwhile
        with contextlib.suppress(db_exc.DBDuplicateEntry):
            db.record_network(
                self.context,
                network_id,
                physical_network=segment[api.PHYSICAL_NETWORK],
                network_type=segment[api.NETWORK_TYPE],
                segmentation_id=segment.get(api.SEGMENTATION_ID),
                managed=bool(managed and managed[1]),
            )
        return db.get_network(self.context, network_id)

    def _deleted_meanwhile(self, row: OneViewNetwork) -> OneViewNetwork:
        """A record whose Neutron network is gone: its OneView side is to be deleted."""
        db.set_state(self.context, row.neutron_network_id, NetworkState.DELETING, expect=row.state)
        return db.get_network(self.context, row.neutron_network_id) or row

    def _network(
        self,
        row: OneViewNetwork,
        name: str | None,
        oneview: Mapping[str, client.EthernetNetwork],
        resolved: topology.Topology,
    ) -> None:
        network_id = row.neutron_network_id
        try:
            if row.state == NetworkState.DELETING:
                if self.driver.remove(self.context, row):
                    self.report.deleted += 1
                else:
                    self.report.errors += 1
                return
            present = row.oneview_network_uri in oneview
            if row.state == NetworkState.PENDING or not present:
                uri = self.driver.realize(row, name, resolved)
                if uri is None:
                    db.forget_network(self.context, network_id)
                    return
                self.realized.add(uri)
                if db.set_state(
                    self.context,
                    network_id,
                    NetworkState.ACTIVE,
                    oneview_network_uri=uri,
                    expect=row.state,
                ):
                    self.report.created += 1
                return
            current = oneview[row.oneview_network_uri or ""]
            if row.managed and current.name != networks.oneview_name(network_id, name):
                self.driver.fabric.rename(current.uri, network_id, name)
                self.report.renamed += 1
        except Exception as error:  # one network must not stop the pass
            self.report.errors += 1
            LOG.error("Synchronizing Neutron network %s failed: %s", network_id, error)

    def _memberships(self, rows: list[OneViewNetwork], resolved: topology.Topology) -> None:
        """Add every managed network to the uplink sets it is missing from: one update each.

        The uplink sets' networks are those the pass's topology read; a network created in
        this pass was added to its uplink sets by its creation.
        """
        missing: dict[Slot, list[str]] = collections.defaultdict(list)
        for row in rows:
            uri = row.oneview_network_uri
            if not row.managed or not uri or uri in self.realized:
                continue
            kind = (
                client.EthernetNetworkType.TAGGED
                if row.segmentation_id is not None
                else client.EthernetNetworkType.UNTAGGED
            )
            for slot in slots(resolved.targets(row.physical_network, kind)):
                if uri not in resolved.memberships.get((slot.group_uri, slot.uplink_set), ()):
                    missing[slot].append(uri)
        for slot, uris in missing.items():
            try:
                self.driver.updater.change([slot], add=uris)
                self.report.memberships += len(uris)
            except client.OneViewError as error:
                self.report.errors += 1
                LOG.error("Could not add %d networks to %s: %s", len(uris), slot.describe(), error)

    def _orphans(
        self,
        oneview: Iterable[client.EthernetNetwork],
        mapped: set[str],
        active: list[OneViewNetwork],
    ) -> None:
        kept = {row.oneview_network_uri for row in active}
        for network in oneview:
            neutron_id = networks.neutron_id_of(network.name)
            if neutron_id is None or neutron_id in mapped or network.uri in kept:
                continue
            try:
                self.driver.fabric.delete(network.uri)
                self.report.orphans += 1
                LOG.info(
                    "Deleted OneView network %r: no mapped Neutron network %s",
                    network.name,
                    neutron_id,
                )
            except client.OneViewError as error:
                self.report.errors += 1
                LOG.error("Could not delete orphan OneView network %s: %s", network.uri, error)

    # -- ports ---------------------------------------------------------------------------

    def _ports(self) -> None:
        bound = self._bound_ports()
        listed = list(self.ov.server_profiles.list())
        self.driver.servers.learn_profiles(listed)  # Virtual MACs: no listing of its own
        profiles = {p.server_hardware_uri: p for p in listed if p.server_hardware_uri}
        for port in bound.values():
            if self._carried(port, profiles):
                continue
            if self.driver.plug(self.context, port):
                self.report.plugged += 1
            else:
                self.report.errors += 1
        retry = set(self.driver.unplug_failed)
        for profile in profiles.values():
            for connection in profile.connections:
                port_id = ports.port_of_connection(connection.name)
                if port_id is None or port_id in bound:
                    continue
                if port_id in retry or self.driver.force_sync_delete_ops:
                    self._release(profile, connection)

    def _carried(self, port: Mapping[str, Any], profiles: Mapping[str, Any]) -> bool:
        """Do the port's NICs carry its network (or is there no profile to repair yet)?"""
        try:
            plan = ports.plan(port, self.driver.servers)
        except client.OneViewError:
            return False
        if plan is None:
            return True  # its server is gone: nothing to wire
        profile = profiles.get(plan.nics[0].server_uri)
        if profile is None:
            return True  # no profile yet: the one applied later is plugged then
        wanted = self._wanted_network(port)
        for nic in plan.nics:
            connection = connections.connection_of(profile, nic, plan)
            if connection is None or connection.network_uri != wanted:
                return False
        return True

    def _bound_ports(self) -> dict[str, dict[str, Any]]:
        port_ids = _ports_bound_by_driver(self.context)
        if not port_ids:
            return {}
        plugin = directory.get_plugin()
        found = plugin.get_ports(self.context, filters={"id": sorted(port_ids)})
        return {port["id"]: port for port in found}

    def _wanted_network(self, port: Mapping[str, Any]) -> str | None:
        row = db.get_network(self.context, port["network_id"])
        if row is None or not row.oneview_network_uri:
            return None
        return self.driver.port_network_uri(self.context, port, row)

    def _release(self, profile: client.ServerProfile, connection: client.ProfileConnection) -> None:
        port_id = ports.port_of_connection(connection.name) or ""
        try:
            if self.driver.editor.release(profile.uri, port_id):
                self.report.released += 1
            self.driver.unplug_failed.discard(port_id)
        except client.OneViewError as error:
            self.report.errors += 1
            LOG.error(
                "Could not give back the connection of port %s in profile %s: %s",
                port_id,
                profile.name,
                error,
            )


def _ports_bound_by_driver(context: Any) -> set[str]:
    from neutron.plugins.ml2 import models as ml2_models
    from neutron_lib.db import api as db_api

    from oneview_openstack.ml2.mech_driver import NAME

    with db_api.CONTEXT_READER.using(context):
        query = context.session.query(ml2_models.PortBindingLevel.port_id).filter_by(driver=NAME)
        return {port_id for (port_id,) in query.all()}


def _segments(network: Mapping[str, Any]) -> list[dict[str, Any]]:
    if network.get("segments"):
        return [
            {
                api.NETWORK_TYPE: s.get("provider:network_type"),
                api.PHYSICAL_NETWORK: s.get("provider:physical_network"),
                api.SEGMENTATION_ID: s.get("provider:segmentation_id"),
            }
            for s in network["segments"]
        ]
    return [
        {
            api.NETWORK_TYPE: network.get("provider:network_type"),
            api.PHYSICAL_NETWORK: network.get("provider:physical_network"),
            api.SEGMENTATION_ID: network.get("provider:segmentation_id"),
        }
    ]
