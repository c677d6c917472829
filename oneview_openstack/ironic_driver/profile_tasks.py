"""Steps that wait for a OneView task without holding the node: the ``oneview`` async steps.

Applying a server profile can take half an hour (a firmware update). A step (or
``prepare_cleaning``, or an in-band inspection's ``inspect_hardware``) starts OneView's task
without waiting, and returns :func:`wait_for`: the node goes to CLEANWAIT / DEPLOYWAIT /
SERVICEWAIT / INSPECTWAIT, its lock and the conductor's worker are free, and
``driver_internal_info/oneview_pending_task`` says what it waits for::

    {"uri": "/rest/tasks/..", "kind": "apply-profile", "operation": "clean",
     "started_at": <epoch s>, "timeout": <s>, "data": {...}}

(``operation``: ``clean``, ``deploy``, ``service`` or ``inspect``.)

Every ``[oneview]task_poll_interval`` seconds, :class:`TaskPoller` (a periodic task of the
power interface, see :mod:`periodics`) reads the tasks of all waiting nodes in **one listing
per appliance** and, for each task that ended, takes the node's lock and:

- success: runs the :func:`on_success` handler of the task's *kind*; it returns ``None``
  (the step flow resumes: Ironic's ``notify_conductor_resume_*``; an inspection is done),
  :func:`wait_for` again (a chained task), or :data:`KEEP_WAITING` (something else resumes
  the node, e.g. the agent ramdisk it booted);
- Error / Terminated: runs the optional :func:`on_failure` handler, then fails the
  operation through Ironic's cleaning/deploying/servicing/inspecting error handler, naming
  the node, the task and OneView's message;
- still running past its ``timeout``: the operation fails the same way, but what OneView
  is still applying is not deleted under it: the task becomes a *leftover*
  (``driver_internal_info/oneview_leftover_tasks``) and the :func:`on_leftover` handler of
  its kind runs when OneView ends it (e.g. removes a profile Ironic owns).

:func:`abandon` turns the pending task into a leftover too (an abort or a tear-down while
OneView still works), and :func:`in_background` records a task nobody waits for (a profile
removal started at tear-down). A node with leftovers is read by the poller in any state.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Set
from typing import Any

from ironic.common import async_steps, exception, states
from ironic.conductor import task_manager
from ironic.conductor import utils as manager_utils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common

LOG = logging.getLogger(__name__)

PENDING = "oneview_pending_task"
"""driver_internal_info: the OneView task the node's step waits for."""
LEFTOVERS = common.LEFTOVERS
"""driver_internal_info: OneView tasks still running that no operation waits for any more."""
KEEP_WAITING = "keep-waiting"
"""A success handler's answer: stay in the wait state, something else resumes the node."""

PURPOSE = "OneView task poller"
WAIT_STATES = (states.CLEANWAIT, states.DEPLOYWAIT, states.SERVICEWAIT, states.INSPECTWAIT)
_OPERATIONS = {
    states.CLEANWAIT: "clean",
    states.DEPLOYWAIT: "deploy",
    states.SERVICEWAIT: "service",
    states.INSPECTWAIT: "inspect",
}
_WAIT_OF_ACTIVE_STATE = {
    states.CLEANING: states.CLEANWAIT,
    states.DEPLOYING: states.DEPLOYWAIT,
    states.SERVICING: states.SERVICEWAIT,
    states.INSPECTING: states.INSPECTWAIT,
}

Handler = Callable[[Any, client.Task, dict[str, Any]], str | None]
FailureHandler = Callable[[Any, client.Task | None, dict[str, Any], str], None]
LeftoverHandler = Callable[[Any, client.Task, dict[str, Any]], None]

_ON_SUCCESS: dict[str, Handler] = {}
_ON_FAILURE: dict[str, FailureHandler] = {}
_ON_LEFTOVER: dict[str, LeftoverHandler] = {}


# -- the step's side ------------------------------------------------------------------------


def wait_for(
    task: Any,
    oneview_task: client.Task,
    *,
    kind: str,
    timeout: float,
    data: Mapping[str, Any] | None = None,
) -> str:
    """Record that the node's current step waits for *oneview_task* (saved on the node) and
    return the wait state the step must return (CLEANWAIT / DEPLOYWAIT / SERVICEWAIT, or
    INSPECTWAIT for ``inspect_hardware``).

    A task OneView finished synchronously (no URI) is handled at the poller's next period.

    :raises: ValueError if no success handler is registered for *kind* (a programming error).
    :raises: InvalidState if the node runs no clean, deploy, service or inspect operation.
    """
    if kind not in _ON_SUCCESS:
        raise ValueError(f"profile_tasks: no on_success handler registered for kind {kind!r}")
    node = task.node
    wait_state = _wait_state(node)
    node.set_driver_internal_info(
        PENDING,
        {
            "uri": oneview_task.uri,
            "kind": kind,
            "operation": _OPERATIONS[wait_state],
            "started_at": time.time(),
            "timeout": float(timeout),
            "data": dict(data or {}),
            "resource": oneview_task.resource_uri,
        },
    )
    if node.clean_step or node.deploy_step or node.service_step:
        async_steps.set_node_flags(node, reboot=False, skip_current_step=True, polling=True)
    node.save()
    LOG.info(
        "Node %s: waiting (%s) for OneView task %s (%s), up to %g s",
        node.uuid,
        wait_state,
        oneview_task.uri or "finished synchronously",
        kind,
        timeout,
    )
    return wait_state


def on_success(kind: str) -> Callable[[Handler], Handler]:
    """Register what runs, under the node's exclusive lock, when a task of *kind* succeeded:
    ``handler(task, finished_task, data) -> None | wait_for(...) | KEEP_WAITING``."""

    def register(handler: Handler) -> Handler:
        _ON_SUCCESS[kind] = handler
        return handler

    return register


def on_failure(kind: str) -> Callable[[FailureHandler], FailureHandler]:
    """Register what runs before the operation fails because a task of *kind* failed
    (``finished`` is the task) or timed out (``finished`` is None, the task still runs):
    ``handler(task, finished_or_none, data, message)``."""

    def register(handler: FailureHandler) -> FailureHandler:
        _ON_FAILURE[kind] = handler
        return handler

    return register


def on_leftover(kind: str) -> Callable[[LeftoverHandler], LeftoverHandler]:
    """Register what runs, under the node's lock, when OneView ends a leftover task of *kind*
    (whatever its outcome): ``handler(task, finished_task, data)``, e.g. remove the profile
    an abandoned apply created."""

    def register(handler: LeftoverHandler) -> LeftoverHandler:
        _ON_LEFTOVER[kind] = handler
        return handler

    return register


def pending(node: Any) -> dict[str, Any] | None:
    """What the node's step waits for (see the module docstring), or None."""
    found = (node.driver_internal_info or {}).get(PENDING)
    return dict(found) if isinstance(found, dict) else None


def leftovers(node: Any) -> list[dict[str, Any]]:
    """The node's OneView tasks that still run though no operation waits for them."""
    found = (node.driver_internal_info or {}).get(LEFTOVERS) or []
    return [dict(item) for item in found if isinstance(item, dict)]


def abandon(task: Any, why: str) -> dict[str, Any] | None:
    """Stop waiting for the node's pending task (an abort, a tear-down, a timeout): it becomes
    a leftover, handled by :func:`on_leftover` when OneView ends it. Saves the node."""
    node = task.node
    entry = pending(node)
    if entry is None:
        return None
    node.del_driver_internal_info(PENDING)
    _add_leftover(node, entry, why)
    node.save()
    LOG.warning(
        "Node %s: no longer waiting for OneView task %s (%s): %s; it is cleaned up when "
        "OneView ends it",
        node.uuid,
        entry.get("uri"),
        entry.get("kind"),
        why,
    )
    return entry


def in_background(
    task: Any, oneview_task: client.Task, *, kind: str, data: Mapping[str, Any] | None = None
) -> None:
    """Record a OneView task the node does not wait for (e.g. removing its profile after
    cleaning); :func:`on_leftover` of *kind* runs when it ends. Saves the node."""
    node = task.node
    entry = {
        "uri": oneview_task.uri,
        "kind": kind,
        "started_at": time.time(),
        "data": dict(data or {}),
        "resource": oneview_task.resource_uri,
    }
    _add_leftover(task.node, entry, "runs in the background")
    node.save()


def settle_leftovers(task: Any, found: Mapping[str, client.Task]) -> list[str]:
    """Run the :func:`on_leftover` handlers of the leftovers ended in *found* (the caller
    holds the node's lock and read their tasks); the outcomes."""
    return NodeTasks(task, found).settle_leftovers()


def _add_leftover(node: Any, entry: dict[str, Any], why: str) -> None:
    entry = {**entry, "why": why}
    node.set_driver_internal_info(LEFTOVERS, [*leftovers(node), entry])


def _wait_state(node: Any) -> str:
    if node.clean_step:
        return states.CLEANWAIT
    if node.service_step:
        return states.SERVICEWAIT
    if node.deploy_step:
        return states.DEPLOYWAIT
    if node.provision_state in WAIT_STATES:  # a handler chaining another task
        return str(node.provision_state)
    found = _WAIT_OF_ACTIVE_STATE.get(node.provision_state)
    if found is None:
        raise exception.InvalidState(
            f"Node {node.uuid}: cannot wait for a OneView task in provision state "
            f"{node.provision_state}; only while cleaning, deploying, servicing or "
            "inspecting."
        )
    return found


# -- the poller's side -----------------------------------------------------------------------


@dataclasses.dataclass
class PollReport:
    """What one period did (logged, read by tests and the benchmark)."""

    nodes: int = 0
    listings: int = 0
    handled: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def add(self, outcome: str, node_uuid: str) -> None:
        self.handled.setdefault(outcome, []).append(node_uuid)


@dataclasses.dataclass(frozen=True)
class Watched:
    uuid: str
    settings: common.NodeSettings
    uris: frozenset[str]
    deadline: float | None
    """When the pending task times out (epoch seconds); None without a pending task."""
    legacy_record: bool = False
    """``driver_info`` carries an older release's ownership record, to move."""


class TaskPoller:
    """One period: the tasks of all waiting nodes, one listing per appliance."""

    def __init__(self, manager: Any, context: Any) -> None:
        self.manager = manager
        self.context = context
        self.report = PollReport()

    def run(self) -> PollReport:
        watched = list(self._watched_nodes())
        self.report.nodes = len(watched)
        groups: dict[tuple[Any, ...], list[Watched]] = {}
        for node in watched:
            groups.setdefault(node.settings.connection.cache_key(), []).append(node)
        for group in groups.values():
            self._run_group(group)
        if self.report.handled:
            LOG.info("%s: %s", PURPOSE, self.report.handled)
        return self.report

    def _watched_nodes(self) -> Iterable[Watched]:
        rows = self.manager.iter_nodes(
            fields=("driver_info", "driver_internal_info", "properties"),
            filters={"driver": "oneview", "reserved": False},
        )
        for uuid, _driver, _group, info, internal, properties in rows:
            internal = internal or {}
            entries = [internal.get(PENDING)] + list(internal.get(LEFTOVERS) or [])
            uris = frozenset(e["uri"] for e in entries if isinstance(e, dict) and "uri" in e)
            legacy = common.APPLIED_PROFILE in (info or {})
            if not uris and not legacy:
                continue
            waiting = internal.get(PENDING)
            deadline = (
                float(waiting.get("started_at") or 0) + float(waiting.get("timeout") or 0)
                if isinstance(waiting, dict)
                else None
            )
            view = _Row(uuid, info or {}, internal, properties or {})
            try:
                settings = common.parse_driver_info(view)
            except exception.IronicException as error:
                LOG.warning("Node %s: cannot poll its OneView tasks: %s", uuid, error)
                continue
            yield Watched(uuid, settings, uris, deadline, legacy)

    def _run_group(self, group: list[Watched]) -> None:
        ov = common.get_client(group[0].settings)
        uris = {uri for node in group for uri in node.uris if uri}
        try:
            found = ov.tasks.list_by_uri(uris) if uris else {}
        except client.OneViewError as error:
            LOG.warning("%s: cannot list %d OneView task(s): %s", PURPOSE, len(uris), error)
            return
        self.report.listings += 1 if uris else 0
        for node in group:
            if node.legacy_record:
                self._move_legacy_record(node.uuid, ov)
            timed_out = node.deadline is not None and time.time() > node.deadline
            if timed_out or any(_due(found.get(uri), uri) for uri in node.uris):
                self._handle(node.uuid, found, uris)

    def _move_legacy_record(self, node_uuid: str, ov: client.OneViewClient) -> None:
        """An upgraded node's ``driver_info`` ownership record moves (or goes) at once,
        before power or management refuse its server as a OneView user's."""
        from oneview_openstack.ironic_driver import profiles  # profiles imports this module

        try:
            with task_manager.acquire(self.context, node_uuid, purpose=PURPOSE) as task:
                profiles.adopt_legacy_record(task.node, ov)
            self.report.add("legacy-record", node_uuid)
        except (exception.NodeLocked, exception.NodeNotFound):
            LOG.debug("Node %s is busy or gone; its record moves next period", node_uuid)
        except Exception:
            LOG.exception("Node %s: moving its driver_info ownership record failed", node_uuid)

    def _handle(self, node_uuid: str, found: Mapping[str, client.Task], listed: Set[str]) -> None:
        try:
            with task_manager.acquire(self.context, node_uuid, purpose=PURPOSE) as task:
                for outcome in NodeTasks(task, found, listed).settle():
                    self.report.add(outcome, node_uuid)
        except (exception.NodeLocked, exception.NodeNotFound):
            LOG.debug("Node %s is busy or gone; its OneView tasks next period", node_uuid)
        except Exception:
            LOG.exception("Node %s: handling its finished OneView tasks failed", node_uuid)


@dataclasses.dataclass(frozen=True)
class _Row:
    """The node fields :func:`common.parse_driver_info` reads, from a database row."""

    uuid: str
    driver_info: Mapping[str, Any]
    driver_internal_info: Mapping[str, Any]
    properties: Mapping[str, Any]


def _due(current: client.Task | None, uri: str) -> bool:
    """A task to act on: ended, synchronously finished (no URI), or gone from OneView."""
    return not uri or current is None or current.is_terminal


class NodeTasks:
    """The node's leftovers and pending task, settled under its exclusive lock.

    *found* holds the tasks OneView listed among the URIs *listed* (``None``: every URI the
    node records was asked for). The period lists before it takes each node's lock, so a
    node may by then record a task the listing did not ask about (its deploy applied a
    profile meanwhile): such a task is read next period, not taken for one OneView purged.
    """

    def __init__(
        self, task: Any, found: Mapping[str, client.Task], listed: Set[str] | None = None
    ) -> None:
        self.task = task
        self.node = task.node
        self.found = found
        self.listed = listed

    def settle(self) -> list[str]:
        outcomes = self.settle_leftovers()
        entry = pending(self.node)
        if entry is None:
            return outcomes
        if self.node.provision_state not in WAIT_STATES:
            abandon(self.task, f"the node left the wait state ({self.node.provision_state})")
            return [*outcomes, "abandoned"]
        if self._unlisted(entry):
            return outcomes
        outcome = self._settle_pending(entry)
        return [*outcomes, outcome] if outcome else outcomes

    def _unlisted(self, entry: Mapping[str, Any]) -> bool:
        uri = str(entry.get("uri") or "")
        return bool(uri) and self.listed is not None and uri not in self.listed

    def _current(self, entry: Mapping[str, Any]) -> client.Task | None:
        uri = str(entry.get("uri") or "")
        if not uri:
            return client.Task.completed(entry.get("resource"))
        return self.found.get(uri)

    def settle_leftovers(self) -> list[str]:
        """Run the handlers of the leftovers OneView ended; a handler may add new ones."""
        settled, outcomes = [], []
        for entry in leftovers(self.node):
            if self._unlisted(entry):
                continue
            current = self._current(entry)
            if current is not None and not current.is_terminal:
                continue
            finished = current or _vanished(entry)
            handler = _ON_LEFTOVER.get(str(entry.get("kind")))
            try:
                if handler is not None:
                    handler(self.task, finished, dict(entry.get("data") or {}))
            except Exception as error:
                LOG.error(
                    "Node %s: cleaning up after OneView task %s (%s) failed: %s; retried "
                    "next period",
                    self.node.uuid,
                    entry.get("uri"),
                    entry.get("kind"),
                    error,
                )
                continue
            settled.append(entry)
            outcomes.append(f"leftover-{entry.get('kind')}")
        if settled:
            remaining = [e for e in leftovers(self.node) if e not in settled]
            if remaining:
                self.node.set_driver_internal_info(LEFTOVERS, remaining)
            else:
                self.node.del_driver_internal_info(LEFTOVERS)
            self.node.save()
        return outcomes

    def _settle_pending(self, entry: dict[str, Any]) -> str | None:
        current = self._current(entry)
        if current is None:
            current = _vanished(entry)
        if not current.is_terminal:
            elapsed = time.time() - float(entry.get("started_at") or 0)
            if elapsed <= float(entry.get("timeout") or 0):
                return None
            self._timed_out(entry, current, elapsed)
            return "timed-out"
        self.node.del_driver_internal_info(PENDING)
        self.node.save()
        if not current.is_success:
            self._fail(entry, current, failure_message(self.node, entry, current))
            return "failed"
        return self._succeeded(entry, current)

    def _succeeded(self, entry: dict[str, Any], finished: client.Task) -> str:
        kind = str(entry.get("kind"))
        handler = _ON_SUCCESS.get(kind)
        try:
            if handler is None:
                raise RuntimeError(f"no on_success handler is registered for {kind!r}")
            result = handler(self.task, finished, dict(entry.get("data") or {}))
        except Exception as error:
            LOG.exception("Node %s: after OneView task %s (%s)", self.node.uuid, finished.uri, kind)
            message = (
                f"Node {self.node.uuid}: OneView task {finished.uri} ({kind}) succeeded, but "
                f"what follows it failed: {error}"
            )
            self._fail(entry, None, message, run_handler=False)
            return "failed"
        if result is None:
            resume(self.task, str(entry.get("operation")))
            return "resumed"
        return "waiting"

    def _timed_out(self, entry: dict[str, Any], current: client.Task, elapsed: float) -> None:
        message = (
            f"Node {self.node.uuid}: OneView task {current.uri} ({entry.get('kind')}, "
            f"{current.name or 'unnamed'}) is still {current.state} at "
            f"{current.percent_complete}% after {elapsed:.0f} s (timeout "
            f"{float(entry.get('timeout') or 0):g} s, [oneview]task_timeout); what it applies "
            "is cleaned up when OneView ends it."
        )
        abandon(self.task, "timed out")
        self._fail(entry, None, message)

    def _fail(
        self,
        entry: dict[str, Any],
        finished: client.Task | None,
        message: str,
        *,
        run_handler: bool = True,
    ) -> None:
        handler = _ON_FAILURE.get(str(entry.get("kind"))) if run_handler else None
        if handler is not None:
            try:
                handler(self.task, finished, dict(entry.get("data") or {}), message)
            except Exception as error:
                LOG.error("Node %s: the failure handler failed: %s", self.node.uuid, error)
        fail(self.task, str(entry.get("operation")), message)


def _vanished(entry: Mapping[str, Any]) -> client.Task:
    """A task OneView no longer lists (the appliance purges old tasks): ended, unknown how."""
    return client.Task(
        uri=str(entry.get("uri") or ""),
        state=client.TaskState.INTERRUPTED,
        status="OneView no longer lists this task; its outcome is unknown",
        resource_uri=entry.get("resource"),
    )


def failure_message(node: Any, entry: Mapping[str, Any], finished: client.Task) -> str:
    """Names the node, the task and OneView's message."""
    first = finished.errors[0] if finished.errors else None
    reason = first.message if first else (finished.status or "no taskErrors given")
    code = f" [{first.error_code}]" if first and first.error_code else ""
    return (
        f"Node {node.uuid}: OneView task {finished.uri} ({entry.get('kind')}, "
        f"{finished.name or 'unnamed'}) ended in {finished.state}: {reason}{code}"
    )


def resume(task: Any, operation: str) -> None:
    """Continue the node's clean/deploy/service steps (releases the lock); an inspection
    whose handler answered None is done."""
    if operation == "inspect":
        task.process_event("done")
    elif operation == "clean":
        manager_utils.notify_conductor_resume_clean(task)
    elif operation == "service":
        manager_utils.notify_conductor_resume_service(task)
    else:
        manager_utils.notify_conductor_resume_deploy(task)


def fail(task: Any, operation: str, message: str) -> None:
    """Fail the node's operation through Ironic's error handler of that operation.

    An inspection fails as Ironic's conductor fails one (``inspecting_error_handler``, then
    the ``fail`` event), without the inspect interface's tear-down: that powers the server
    off and cleans the agent's boot, which nothing prepared while OneView applied (or still
    applies) a profile; the kind's :func:`on_failure` handler cleans up what it started.
    """
    LOG.error(message)
    if operation == "inspect":
        manager_utils.inspecting_error_handler(task, message, tear_down_inspection=False)
        task.process_event("fail")
    elif operation == "clean":
        manager_utils.cleaning_error_handler(task, message)
    elif operation == "service":
        manager_utils.servicing_error_handler(task, message)
    else:
        manager_utils.deploying_error_handler(task, message)
