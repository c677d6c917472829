"""Carry a plan out: servers in parallel, each server all-or-nothing.

Per server being created: (its local storage, unless the operator gave ``local_gb``), the
node, its traits, its ports, in that order. When a trait or port request fails the node is
deleted again, so a failure never leaves a node without its ports. A process killed between
the node and its ports leaves a node that the next run completes (:attr:`Action.REPAIR`);
the node's UUID is its server's, so no run can create a second node for a server.

Servers are handled by a pool of ``workers`` threads, one OneView client and one Ironic
session shared by all; Ironic's API is the bottleneck, not this loop.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import enum
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from keystoneauth1 import exceptions as ksa_exceptions
from openstack import exceptions as sdk_exceptions

from oneview_openstack import client
from oneview_openstack.enrollment import ironic
from oneview_openstack.enrollment import spec as spec_module
from oneview_openstack.enrollment.catalog import Catalog, read_catalog
from oneview_openstack.enrollment.errors import EnrollmentError
from oneview_openstack.enrollment.plan import Action, Selection, Step, plan
from oneview_openstack.enrollment.spec import NodeOptions, NodeSpec, node_spec

LOG = logging.getLogger(__name__)

DEFAULT_WORKERS = 8
# What Ironic (through openstacksdk and keystoneauth) raises for a failed request.
IRONIC_ERRORS = (sdk_exceptions.SDKException, ksa_exceptions.ClientException)


class Result(enum.StrEnum):
    """What happened to a server, as the summary shows it."""

    CREATED = "created"
    REPAIRED = "repaired"
    ENROLLED = "already enrolled"
    SKIPPED = "skipped"
    FAILED = "failed"
    WOULD_CREATE = "would create"
    WOULD_REPAIR = "would repair"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result for one server."""

    server_name: str
    server_uri: str
    result: Result
    node_uuid: str | None = None
    node_name: str | None = None
    ports: int = 0
    reason: str = ""

    @property
    def failed(self) -> bool:
        return self.result is Result.FAILED


Progress = Callable[[Outcome], None]


def enroll(
    ov: client.OneViewClient,
    baremetal: Any,
    template: str,
    selection: Selection | None = None,
    options: NodeOptions | None = None,
    *,
    dry_run: bool = False,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Enroll the selected servers of *template*: read both sides, plan, execute."""
    selection = selection or Selection()
    options = options or NodeOptions()
    catalog = read_catalog(ov, template)
    steps = plan(catalog, ironic.read_ironic(baremetal), selection, options)
    return execute(
        steps, catalog, ov, baremetal, options, dry_run=dry_run, workers=workers, progress=progress
    )


def execute(
    steps: Sequence[Step],
    catalog: Catalog,
    ov: client.OneViewClient,
    baremetal: Any,
    options: NodeOptions,
    *,
    dry_run: bool = False,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> list[Outcome]:
    """Carry out *steps*; the outcomes come back in the steps' order.

    Once *stop* is set, servers not yet begun are skipped (``stopping``); those begun finish.
    """
    if workers < 1:
        raise EnrollmentError(f"workers {workers} is not allowed; give 1 or more")
    worker = _Worker(catalog, ov, baremetal, options, dry_run, stop)
    outcomes: dict[int, Outcome] = {}
    pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="enroll")
    try:
        futures = {pool.submit(worker.run, step): index for index, step in enumerate(steps)}
        for future in concurrent.futures.as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            if progress is not None:
                progress(outcome)
    finally:
        # Ctrl-C: servers already started finish (all-or-nothing); the others are not begun.
        pool.shutdown(wait=True, cancel_futures=True)
    return [outcomes[index] for index in sorted(outcomes)]


_WRITES = (Action.CREATE, Action.REPAIR)


class _Worker:
    """Does one step; never raises for a server's own failure (it becomes an Outcome)."""

    def __init__(
        self,
        catalog: Catalog,
        ov: client.OneViewClient,
        baremetal: Any,
        options: NodeOptions,
        dry_run: bool,
        stop: threading.Event | None = None,
    ) -> None:
        self.catalog = catalog
        self.ov = ov
        self.baremetal = baremetal
        self.options = options
        self.dry_run = dry_run
        self.stop = stop

    def run(self, step: Step) -> Outcome:
        if self.stop is not None and self.stop.is_set() and step.action in _WRITES:
            return _outcome(step, Result.SKIPPED, reason="stopping")
        try:
            if step.action is Action.CREATE:
                return self.create(step)
            if step.action is Action.REPAIR:
                return self.repair(step)
        except (client.OneViewError, EnrollmentError, *IRONIC_ERRORS) as error:
            reason = _reason(error)
            LOG.info("Enrolling server hardware %s failed: %s", step.server_name, reason)
            return _outcome(step, Result.FAILED, reason=reason)
        result = Result.ENROLLED if step.action is Action.ENROLLED else Result.SKIPPED
        return _outcome(step, result, reason=step.reason)

    def create(self, step: Step) -> Outcome:
        spec = self.spec(step.server)
        if self.dry_run:
            return _outcome(step, Result.WOULD_CREATE, spec=spec)
        try:
            ironic.create_node(self.baremetal, spec)
        except sdk_exceptions.ConflictException as error:
            self._check_ours(spec, error)  # a retried create, or another run: complete it
        try:
            ironic.set_traits(self.baremetal, spec.uuid, spec.traits)
            for port in spec.ports:
                ironic.ensure_port(self.baremetal, spec.uuid, port)
        except IRONIC_ERRORS as error:
            undone = self._undo(spec, error)
            left = (
                "its node was deleted again"
                if undone
                else f"deleting its node {spec.uuid} failed too: run again to complete it"
            )
            raise EnrollmentError(f"Ironic: {ironic.error_text(error)}; {left}") from error
        LOG.info(
            "Enrolled server hardware %s as node %s (%s) with %d port(s)",
            spec.server_name,
            spec.name,
            spec.uuid,
            len(spec.ports),
        )
        return _outcome(step, Result.CREATED, spec=spec)

    def repair(self, step: Step) -> Outcome:
        node = step.node
        assert node is not None  # plan() gives REPAIR steps their node
        if self.dry_run:
            return _outcome(step, Result.WOULD_REPAIR, reason=step.reason)
        if step.missing_traits:
            spec = self.spec(step.server, read_storage=False)
            ironic.set_traits(self.baremetal, node.uuid, sorted(node.traits | set(spec.traits)))
        for port in step.missing_ports:
            ironic.ensure_port(self.baremetal, node.uuid, port)
        LOG.info("Completed node %s of server hardware %s: %s", node.uuid, step.server_name,
                 step.reason)  # fmt: skip
        return _outcome(step, Result.REPAIRED, reason=step.reason)

    def spec(self, server: client.ServerHardware, *, read_storage: bool = True) -> NodeSpec:
        storage = None
        if read_storage and self.options.reads_storage:
            try:
                storage = self.ov.server_hardware.local_storage(server)
            except client.NotFound:
                storage = None  # older iLOs do not report it: local_gb 0, inspection can tell
        return node_spec(
            server,
            self.catalog.bundle,
            storage=storage,
            interconnects=self.catalog.interconnects,
            options=self.options,
        )

    def _check_ours(self, spec: NodeSpec, error: Exception) -> None:
        """The node's UUID or name is taken: fine if by this server's node, else an error."""
        existing = ironic.get_node(self.baremetal, spec.uuid) or ironic.get_node(
            self.baremetal, spec.name
        )
        info = (existing or {}).get("driver_info") or {}
        if existing is not None and (
            ironic.normalize_server_uri(info.get(spec_module.SERVER_HARDWARE))
            == spec.server_uri.lower()
        ):
            return
        taken_by = existing.get("uuid") if existing else "?"
        raise EnrollmentError(
            f"node UUID {spec.uuid} or name {spec.name!r} is already used by node {taken_by} "
            f"of another server: {ironic.error_text(error)}"
        )

    def _undo(self, spec: NodeSpec, error: Exception) -> bool:
        LOG.info(
            "Deleting node %s of server hardware %s again: completing it failed (%s)",
            spec.uuid,
            spec.server_name,
            error,
        )
        try:
            ironic.delete_node(self.baremetal, spec.uuid)
        except IRONIC_ERRORS as undo_error:
            LOG.error(
                "Node %s of server hardware %s is left without its ports: deleting it failed "
                "(%s); run the enrollment again to complete it",
                spec.uuid,
                spec.server_name,
                undo_error,
            )
            return False
        return True


def _outcome(
    step: Step,
    result: Result,
    *,
    spec: NodeSpec | None = None,
    node_uuid: str | None = None,
    node_name: str | None = None,
    reason: str = "",
) -> Outcome:
    node = step.node
    return Outcome(
        server_name=step.server_name,
        server_uri=step.server.uri,
        result=result,
        node_uuid=node_uuid or (spec.uuid if spec else node.uuid if node else None),
        node_name=node_name or (spec.name if spec else node.name if node else None),
        ports=len(spec.ports) if spec else len(step.missing_ports),
        reason=reason,
    )


def _reason(error: Exception) -> str:
    if isinstance(error, IRONIC_ERRORS):
        return f"Ironic: {ironic.error_text(error)}"
    if isinstance(error, client.OneViewError):
        return f"OneView: {error}"
    return str(error)
