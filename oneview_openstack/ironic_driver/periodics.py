"""Dynamic allocation: Ironic shares OneView's servers with OneView's own users.

Every ``[oneview]periodic_check_interval`` seconds, for all ``oneview`` nodes of the conductor,
from **one** listing of the appliance's server hardware (:mod:`inventory`), never one GET per
node:

==========================  =================================  ==================================
node                        server (see :mod:`ownership`)      transition
==========================  =================================  ==================================
available, not maintenance  a OneView user's profile           maintenance (reason names the
                                                               profile) and ``manage`` ->
                                                               manageable: Nova stops using it
manageable, in the          free again                         maintenance cleared, ``provide``
maintenance set above                                          -> cleaning -> available (cleaning
                                                               erases what the user left)
clean failed because        a OneView user's profile           as the first row (-> manageable)
cleaning could not get      free                               ``manage`` then ``provide``
the server
active                      the profile Ironic applied is      maintenance and ``last_error``
                            gone or replaced                   name the lost profile; cleared if
                                                               it comes back
inspect failed, manageable  (any)                              the profile an in-band inspection
with an inspection profile                                     left (it timed out) is removed
==========================  =================================  ==================================

Maintenance an operator set (or changed the reason of) is never touched: the task recognises
its own by ``driver_internal_info/oneview_claimed`` and the exact reason it wrote. A node is
only acted upon under its lock, after deciding again from the locked node, and ``decide`` is a
pure function of the node and its server, so the rules are tested without OneView.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from ironic.common import exception, states
from ironic.conductor import periodics, task_manager
from ironic.conf import CONF

from oneview_openstack import client
from oneview_openstack.ironic_driver import (
    common,
    inventory,
    ownership,
    profile_tasks,
    profiles,
    transitions,
)
from oneview_openstack.ironic_driver.inband_inspect import INSPECTION_PROFILE
from oneview_openstack.ironic_driver.transitions import CLAIMED, Action

LOG = logging.getLogger(__name__)

PURPOSE = "OneView dynamic allocation"
NODE_FIELDS = (
    "provision_state",
    "maintenance",
    "maintenance_reason",
    "driver_info",
    "driver_internal_info",
    "properties",
)
WATCHED_STATES = (
    states.AVAILABLE,
    states.MANAGEABLE,
    states.CLEANFAIL,
    states.ACTIVE,
    states.INSPECTFAIL,
)
INSPECTION_OVER = (states.MANAGEABLE, states.INSPECTFAIL)


@dataclasses.dataclass(frozen=True)
class NodeView:
    """The fields of a node the decision needs (a database row or a locked node)."""

    uuid: str
    provision_state: str
    maintenance: bool
    maintenance_reason: str | None
    driver_info: Mapping[str, Any]
    driver_internal_info: Mapping[str, Any]
    properties: Mapping[str, Any]

    @classmethod
    def of(cls, node: Any) -> NodeView:
        return cls(
            uuid=node.uuid,
            provision_state=node.provision_state,
            maintenance=bool(node.maintenance),
            maintenance_reason=node.maintenance_reason,
            driver_info=node.driver_info or {},
            driver_internal_info=node.driver_internal_info or {},
            properties=node.properties or {},
        )

    @property
    def applied_profile(self) -> str | None:
        return common.applied_profile_uri(self)


def decide(node: NodeView, server: client.ServerHardware) -> Action | None:
    """The transition *node* needs given how the listing shows its *server* (or none)."""
    owner = common.server_owner(node, server.server_profile_uri)
    state = node.provision_state
    if state in INSPECTION_OVER and node.driver_internal_info.get(INSPECTION_PROFILE):
        return Action.RELEASE_INSPECTION
    if state == states.AVAILABLE and not node.maintenance:
        return Action.TAKE if owner is ownership.Owner.ONEVIEW_USER else None
    if state == states.MANAGEABLE and holds_our_claim(node):
        return Action.GIVE_BACK if owner is not ownership.Owner.ONEVIEW_USER else None
    if state == states.CLEANFAIL and node.driver_internal_info.get(profiles.ALLOCATION_ERROR):
        return Action.RESCUE
    if state == states.ACTIVE and node.applied_profile:
        lost = ownership.is_stale_claim(server.server_profile_uri, node.applied_profile)
        flagged = bool(node.driver_internal_info.get(profiles.PROFILE_LOST))
        if lost and not flagged:
            return Action.FLAG_LOST
        if flagged and not lost:
            return Action.CLEAR_LOST
    return None


def holds_our_claim(node: NodeView) -> bool:
    """In the maintenance this task set, with the reason it wrote (untouched by an operator)."""
    claim = node.driver_internal_info.get(CLAIMED) or {}
    return node.maintenance and bool(claim) and node.maintenance_reason == claim.get("reason")


class OneViewPeriodicsMixin:
    """The driver's periodic tasks (dynamic allocation, the OneView task poller), for the one
    interface class that hosts them.

    Ironic runs the periodic tasks of each interface *class* once; every ``oneview`` node uses
    the OneView power interface, so that class (and only it) includes this mixin.
    """

    @periodics.periodic(
        spacing=lambda: CONF.oneview.periodic_check_interval,
        enabled=lambda: CONF.oneview.enable_periodic_tasks,
    )
    def _check_dynamic_allocation(self, manager: Any, context: Any) -> None:
        DynamicAllocation(manager, context).run()

    @periodics.periodic(spacing=lambda: CONF.oneview.task_poll_interval)
    def _poll_oneview_tasks(self, manager: Any, context: Any) -> None:
        """The OneView tasks nodes wait for (see :mod:`profile_tasks`)."""
        profile_tasks.TaskPoller(manager, context).run()


@dataclasses.dataclass
class PeriodReport:
    """What one period did (logged, and read by tests and the benchmark)."""

    nodes: int = 0
    listings: int = 0
    actions: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, action: Action, node_uuid: str) -> None:
        self.actions.setdefault(action.value, []).append(node_uuid)


class DynamicAllocation:
    """One period of the dynamic-allocation task over the conductor's ``oneview`` nodes."""

    def __init__(
        self,
        manager: Any,
        context: Any,
        inventories: inventory.InventoryCache | None = None,
    ) -> None:
        self.manager = manager
        self.context = context
        self.inventories = inventories or inventory.shared_inventories()
        self.report = PeriodReport()

    def run(self) -> PeriodReport:
        started = time.monotonic()
        nodes = list(self._watched_nodes())
        self.report.nodes = len(nodes)
        for group in _by_connection(nodes).values():
            self._run_group(group)
        if nodes:
            LOG.info(
                "%s period: %d node(s) watched, %d listing(s), actions %s, in %.2f s",
                PURPOSE,
                self.report.nodes,
                self.report.listings,
                self.report.actions or "none",
                time.monotonic() - started,
            )
        return self.report

    def _watched_nodes(self) -> Iterable[NodeView]:
        rows = self.manager.iter_nodes(
            fields=NODE_FIELDS,
            filters={
                "driver": "oneview",
                "provision_state_in": WATCHED_STATES,
                "reserved": False,
            },
        )
        for uuid, _driver, _group, *fields in rows:
            yield NodeView(uuid, *_normalized(fields))

    def _run_group(self, group: list[tuple[NodeView, common.NodeSettings]]) -> None:
        ov = common.get_client(group[0][1])
        try:
            snapshot = self.inventories.snapshot(ov, max_age=0)
        except client.OneViewError as error:
            LOG.warning(
                "OneView dynamic allocation skipped for %d node(s) this period: %s",
                len(group),
                error,
            )
            return
        self.report.listings += 1
        for node, _settings in group:
            if common.APPLIED_PROFILE in node.driver_info:
                self._move_legacy_record(node.uuid, ov)
        for node, settings in group:
            server = snapshot.get(settings.server_hardware_uri)
            if server is None:
                LOG.warning(
                    "Node %s: OneView does not list its server hardware %s",
                    node.uuid,
                    settings.server_hardware_uri,
                )
            elif decide(node, server) is not None:
                self._act(node.uuid, server, ov)

    def _act(self, node_uuid: str, server: client.ServerHardware, ov: client.OneViewClient) -> None:
        try:
            with task_manager.acquire(self.context, node_uuid, purpose=PURPOSE) as task:
                action = decide(NodeView.of(task.node), server)
                if action is None:
                    return
                follow_up = transitions.apply(task, action, server, ov)
                self.report.add(action, node_uuid)
            if follow_up:
                self.manager.do_provisioning_action(self.context, node_uuid, follow_up)
        except (exception.NodeLocked, exception.NodeNotFound):
            LOG.debug("Node %s is busy or gone; next period", node_uuid)
        except Exception:
            LOG.exception("Node %s: the OneView dynamic allocation task failed", node_uuid)

    def _move_legacy_record(self, node_uuid: str, ov: client.OneViewClient) -> None:
        """An older release's ``driver_info`` ownership record: moved if OneView confirms
        it (see :func:`profiles.adopt_legacy_record`), dropped otherwise; once per node."""
        try:
            with task_manager.acquire(self.context, node_uuid, purpose=PURPOSE) as task:
                profiles.adopt_legacy_record(task.node, ov)
            self.report.actions.setdefault("legacy record", []).append(node_uuid)
        except (exception.NodeLocked, exception.NodeNotFound):
            LOG.debug("Node %s is busy or gone; its record moves next period", node_uuid)
        except Exception:
            LOG.exception("Node %s: moving its driver_info ownership record failed", node_uuid)


def _by_connection(
    nodes: list[NodeView],
) -> dict[tuple[Any, ...], list[tuple[NodeView, common.NodeSettings]]]:
    """The nodes grouped by the appliance and user they reach OneView with."""
    groups: dict[tuple[Any, ...], list[tuple[NodeView, common.NodeSettings]]] = {}
    for node in nodes:
        try:
            settings = common.parse_driver_info(node)
        except exception.IronicException as error:
            LOG.debug("Node %s skipped by the OneView periodic task: %s", node.uuid, error)
            continue
        groups.setdefault(settings.connection.cache_key(), []).append((node, settings))
    return groups


def _normalized(fields: list[Any]) -> list[Any]:
    state, maintenance, reason, info, internal, properties = fields
    return [state, bool(maintenance), reason, info or {}, internal or {}, properties or {}]
