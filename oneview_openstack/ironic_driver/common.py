"""The node settings model of the ``oneview`` driver: ONE parser, ONE validation.

Node fields (all optional ones fall back to ``[oneview]`` in ``ironic.conf``):

``driver_info``
    ``server_hardware_uri`` (required): ``/rest/server-hardware/<id>`` or the id alone.
    ``server_profile_template_uri``: ``/rest/server-profile-templates/<id>`` or the id; the
    template Ironic creates this node's profiles from. Required to deploy and clean (the
    deploy interface asks for it), optional for power, management and inspection.
    ``oneview_manager_url``, ``oneview_username``, ``oneview_password``,
    ``oneview_tls_cacert_file``: this node's appliance and credentials instead of
    ``[oneview]``. A node whose URL differs from ``[oneview]manager_url`` must carry its own
    username and password: the conductor's credentials are only ever sent to the appliance
    the operator configured, never to a URL someone with node-edit rights typed.
    ``applied_server_profile_uri``: no longer read as the ownership marker (anyone who
    may edit the node can write driver_info). A value left by an older release is honoured
    only if OneView shows an Ironic profile of this node there
    (:func:`profiles.is_ironic_profile`); it is then moved to driver_internal_info.
``driver_internal_info`` (written by the driver only)
    ``applied_server_profile_uri``: the profile Ironic applied, the ownership marker (see
    :mod:`ownership`). Ironic's API does not let users write driver_internal_info, so a node
    never deletes a profile it did not create.
    ``oneview_pending_task``, ``oneview_leftover_tasks``: the OneView tasks a step waits for
    and those that outlived their operation (see :mod:`profile_tasks`).
``properties/capabilities`` (``key:value,...``)
    ``server_profile_template_uri``: accepted instead of the driver_info key (how the
    original tools enrolled nodes); both set and different is an error.
    ``server_hardware_type_uri``, ``enclosure_group_uri``: optional assertions checked
    against the server; inspection writes them (Nova flavors may match on them).

:func:`parse_driver_info` checks the node's own fields, offline, and returns
:class:`NodeSettings`. :func:`validate_node` adds what only OneView can tell (one GET of the
server, one of the template) and remembers the result for the rest of the task, so a
``node validate`` running four interfaces reads OneView once, not four times.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
import weakref
from typing import Any
from urllib.parse import urlsplit

from ironic.common import exception
from ironic.conf import CONF

from oneview_openstack import client, conf
from oneview_openstack.ironic_driver import checks, errors, facts, ownership
from oneview_openstack.ironic_driver.connections import Connection, shared_clients

conf.register_opts(CONF)

SERVER_HARDWARE = "server_hardware_uri"
TEMPLATE = facts.TEMPLATE
HARDWARE_TYPE = facts.HARDWARE_TYPE
ENCLOSURE_GROUP = facts.ENCLOSURE_GROUP
APPLIED_PROFILE = "applied_server_profile_uri"
LEFTOVERS = "oneview_leftover_tasks"
"""driver_internal_info: the OneView tasks of the node nothing waits for (see profile_tasks)."""
MANAGER_URL = "oneview_manager_url"
USERNAME = "oneview_username"
PASSWORD = "oneview_password"  # noqa: S105 - a field name
CA_FILE = "oneview_tls_cacert_file"

REQUIRED_PROPERTIES = {
    SERVER_HARDWARE: "URI (/rest/server-hardware/<id>) or id of the node's OneView server "
    "hardware. Required.",
}
OPTIONAL_PROPERTIES = {
    TEMPLATE: "URI (/rest/server-profile-templates/<id>) or id of the server profile template "
    "the node's profiles are created from. Required to deploy and clean; may be given as "
    "capability server_profile_template_uri instead. Optional.",
    MANAGER_URL: "URL of the node's OneView appliance. Defaults to [oneview]manager_url; a "
    "different appliance needs oneview_username and oneview_password. Optional.",
    USERNAME: "OneView user for this node. Defaults to [oneview]username. Optional.",
    PASSWORD: "Password of oneview_username. Defaults to [oneview]password. Optional.",
    CA_FILE: "CA bundle to verify the node's appliance with. Defaults to "
    "[oneview]tls_cacert_file. Optional.",
}
COMMON_PROPERTIES = {**REQUIRED_PROPERTIES, **OPTIONAL_PROPERTIES}

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
TRAIT_PREFIX = facts.TRAIT_PREFIX


@dataclasses.dataclass(frozen=True)
class NodeSettings:
    """A node's OneView settings, checked and normalized (URIs, never bare ids)."""

    node_uuid: str
    server_hardware_uri: str
    server_profile_template_uri: str | None
    server_hardware_type_uri: str | None
    enclosure_group_uri: str | None
    applied_server_profile_uri: str | None
    """The ownership marker: ``driver_internal_info/applied_server_profile_uri``."""
    connection: Connection
    legacy_applied_profile_uri: str | None = None
    """An older release's ``driver_info/applied_server_profile_uri``: unverified, see
    :func:`profiles.adopt_legacy_record`."""


@dataclasses.dataclass(frozen=True)
class ValidatedNode:
    """What :func:`validate_node` read from OneView, consistent with the node's settings."""

    settings: NodeSettings
    server: client.ServerHardware
    template: client.ServerProfileTemplate | None

    @property
    def owner(self) -> ownership.Owner:
        return ownership.owner(
            self.server.server_profile_uri, self.settings.applied_server_profile_uri
        )


# -- parsing (offline) --------------------------------------------------------------------


def parse_driver_info(node: Any) -> NodeSettings:
    """The node's settings from ``driver_info``, ``properties/capabilities`` and ``[oneview]``.

    :raises: MissingParameterValue if a required field is missing.
    :raises: InvalidParameterValue if a field is malformed.
    """
    info = node.driver_info or {}
    capabilities = node_capabilities(node)
    if not info.get(SERVER_HARDWARE):
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: driver_info/{SERVER_HARDWARE} is missing; set it to the "
            "URI (/rest/server-hardware/<id>) or id of the node's OneView server hardware."
        )
    return NodeSettings(
        node_uuid=node.uuid,
        server_hardware_uri=resource_uri(
            node, f"driver_info/{SERVER_HARDWARE}", info[SERVER_HARDWARE], "server-hardware"
        ),
        server_profile_template_uri=_template_uri(node, info, capabilities),
        server_hardware_type_uri=_optional_uri(
            node, capabilities, HARDWARE_TYPE, "server-hardware-types"
        ),
        enclosure_group_uri=_optional_uri(node, capabilities, ENCLOSURE_GROUP, "enclosure-groups"),
        applied_server_profile_uri=applied_profile_uri(node),
        connection=connection_of(node),
        legacy_applied_profile_uri=_legacy_applied_profile(node, info),
    )


def applied_profile_uri(node: Any) -> str | None:
    """The profile Ironic applied, from ``driver_internal_info`` (only the driver writes it)."""
    value = (node.driver_internal_info or {}).get(APPLIED_PROFILE)
    return value if isinstance(value, str) and value else None


def server_owner(node: Any, server_profile_uri: str | None) -> ownership.Owner:
    """Who owns the node's server carrying *server_profile_uri*: :func:`ownership.owner` of
    the node's record, except that a profile of the node's own which OneView still removes
    (or still applies, abandoned) after the node forgot it, one of its leftover tasks, is
    nobody's rather than a OneView user's. Every ownership check of the driver uses it."""
    owner = ownership.owner(server_profile_uri, applied_profile_uri(node))
    if owner is ownership.Owner.ONEVIEW_USER and oneview_still_works_on(node, server_profile_uri):
        return ownership.Owner.NOBODY
    return owner


def oneview_still_works_on(node: Any, profile_uri: str | None) -> bool:
    """A leftover task of the node still applies or removes *profile_uri* (e.g. cleaning is
    over, the node ``available``, OneView still deleting the profile it applied)."""
    if not profile_uri:
        return False
    for entry in (node.driver_internal_info or {}).get(LEFTOVERS) or []:
        if not isinstance(entry, dict):
            continue
        data = entry.get("data")
        worked_on = (data.get("profile") if isinstance(data, dict) else None) or entry.get(
            "resource"
        )
        if same_uri(worked_on, profile_uri):
            return True
    return False


def _legacy_applied_profile(node: Any, info: dict[str, Any]) -> str | None:
    """``driver_info/applied_server_profile_uri`` as an older release wrote it, if well formed
    (it is only a hint checked against OneView, so a malformed one is simply ignored)."""
    value = info.get(APPLIED_PROFILE)
    if not value:
        return None
    try:
        return resource_uri(node, f"driver_info/{APPLIED_PROFILE}", value, "server-profiles")
    except exception.InvalidParameterValue:
        return None


def node_capabilities(node: Any) -> dict[str, str]:
    """``properties/capabilities`` as a dict (Ironic stores ``"k1:v1,k2:v2"``)."""
    raw = (node.properties or {}).get("capabilities")
    if not raw:
        return {}
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    result = {}
    for item in str(raw).split(","):
        key, sep, value = item.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise exception.InvalidParameterValue(
                f"Node {node.uuid}: properties/capabilities has the malformed entry "
                f"{item!r}; each entry must be key:value, separated by commas."
            )
        result[key.strip()] = value.strip()
    return result


def resource_uri(node: Any, field: str, value: Any, category: str) -> str:
    """``/rest/<category>/<id>`` from such a URI or a bare id; anything else is an error."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str):
        prefix = f"/rest/{category}/"
        candidate = text[len(prefix) :] if text.startswith(prefix) else text
        if _ID.match(candidate):
            return prefix + candidate
    raise exception.InvalidParameterValue(
        f"Node {node.uuid}: {field} has the invalid value {value!r}; allowed: a "
        f"/rest/{category}/<id> URI or the id alone (letters, digits, '-', '.', '_', '~')."
    )


def _template_uri(node: Any, info: dict[str, Any], capabilities: dict[str, str]) -> str | None:
    from_info = _optional_uri(node, info, TEMPLATE, "server-profile-templates", "driver_info")
    from_caps = _optional_uri(node, capabilities, TEMPLATE, "server-profile-templates")
    if from_info and from_caps and not same_uri(from_info, from_caps):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: driver_info/{TEMPLATE} is {from_info!r} but "
            f"properties/capabilities {TEMPLATE} is {from_caps!r}; they must name the same "
            "template (or set only one of them)."
        )
    return from_info or from_caps


def _optional_uri(
    node: Any,
    fields: dict[str, Any],
    key: str,
    category: str,
    where: str = "properties/capabilities",
) -> str | None:
    value = fields.get(key)
    if value in (None, ""):
        return None
    field = f"{where} {key}" if where.endswith("capabilities") else f"{where}/{key}"
    return resource_uri(node, field, value, category)


def same_uri(first: str | None, second: str | None) -> bool:
    """URIs naming the same resource (OneView ids compare case-insensitively)."""
    return (first or "").rstrip("/").lower() == (second or "").rstrip("/").lower()


def connection_of(node: Any) -> Connection:
    """How this node reaches OneView: ``[oneview]`` with the node's overrides."""
    info = node.driver_info or {}
    options = CONF.oneview
    node_url = info.get(MANAGER_URL)
    url = manager_url(node, f"driver_info/{MANAGER_URL}", node_url) if node_url else None
    global_url = manager_url(node, "[oneview]manager_url", options.manager_url)
    if url is None and global_url is None:
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: no OneView appliance is configured; set [oneview]manager_url "
            f"in ironic.conf or driver_info/{MANAGER_URL} on the node."
        )
    username, password = _credentials(node, info, own_appliance=url not in (None, global_url))
    return Connection(
        url=url or global_url or "",
        username=username,
        password=password,
        login_domain=options.login_domain or None,
        ca_file=info.get(CA_FILE) or options.tls_cacert_file or None,
        insecure=options.allow_insecure_connections,
        api_version_cap=options.api_version_cap,
        request_timeout=float(options.request_timeout),
        request_retries=options.request_retries,
        task_timeout=float(options.task_timeout),
    )


def manager_url(node: Any, field: str, value: str | None) -> str | None:
    """``https://host[:port]`` from a URL or a bare host; ``None`` when unset."""
    if not value:
        return None
    text = value.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.path not in ("", "/"):
        raise exception.InvalidParameterValue(
            f"Node {node.uuid}: {field} has the invalid value {value!r}; allowed: "
            "https://host[:port] (or http:// for a lab), or the host name alone."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _credentials(node: Any, info: dict[str, Any], *, own_appliance: bool) -> tuple[str, str]:
    username, password = info.get(USERNAME), info.get(PASSWORD)
    if bool(username) != bool(password):
        missing = PASSWORD if username else USERNAME
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: driver_info/{missing} is missing; {USERNAME} and {PASSWORD} "
            "go together."
        )
    if own_appliance and not username:
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: driver_info/{MANAGER_URL} names another appliance than "
            f"[oneview]manager_url, so driver_info/{USERNAME} and {PASSWORD} are required: "
            "the conductor's own credentials are never sent to a per-node appliance."
        )
    username = username or CONF.oneview.username
    password = password or CONF.oneview.password
    if not username or not password:
        missing = "username" if not username else "password"
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: no OneView {missing}; set [oneview]{missing} in ironic.conf "
            f"or driver_info/oneview_{missing} on the node."
        )
    return str(username), str(password)


custom_trait = facts.custom_trait


# -- OneView ------------------------------------------------------------------------------


def get_client(settings: NodeSettings) -> client.OneViewClient:
    """The conductor's shared client for the node's appliance and user."""
    try:
        return shared_clients().get(settings.connection)
    except ValueError as exc:  # settings the client refuses, e.g. a CA file that is not there
        raise exception.InvalidParameterValue(
            f"Node {settings.node_uuid}: cannot connect to OneView at "
            f"{settings.connection.url}: {exc}"
        ) from exc


class TaskMemo:
    """Validation outcomes (result or error) for the life of a task, weakly keyed by it."""

    def __init__(self) -> None:
        self._outcomes: weakref.WeakKeyDictionary[Any, tuple[Any, Outcome]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, task: Any, key: Any) -> Outcome | None:
        with self._lock:
            found = self._outcomes.get(task)
        return found[1] if found is not None and found[0] == key else None

    def put(self, task: Any, key: Any, outcome: Outcome) -> None:
        with self._lock:
            self._outcomes[task] = (key, outcome)


Outcome = ValidatedNode | exception.IronicException


@functools.cache
def validation_memo() -> TaskMemo:
    """The conductor process's memo: every interface's ``validate`` of one task shares it."""
    return TaskMemo()


def validate_node(task: Any, *, require_template: bool = False) -> ValidatedNode:
    """Check the node's settings against OneView; the server and template read meanwhile.

    OneView is read once per task: later calls in the same task with unchanged settings and
    ports get the same result, or the same error (``node validate`` runs every interface's
    ``validate``, and each of them calls this).

    :raises: MissingParameterValue, InvalidParameterValue naming the node, the field, the
        bad value and what is allowed.
    :raises: OneViewError (or a subclass) if OneView cannot be asked.
    """
    node = task.node
    settings = parse_driver_info(node)
    if require_template and settings.server_profile_template_uri is None:
        raise exception.MissingParameterValue(
            f"Node {node.uuid}: driver_info/{TEMPLATE} is missing; it names the server profile "
            "template Ironic creates the node's profiles from."
        )
    macs = tuple(sorted(port.address.lower() for port in task.ports))
    key = (settings, macs)
    outcome = validation_memo().get(task, key)
    if outcome is None:
        try:
            server, template = checks.read_and_check(node, settings, macs, get_client(settings))
            outcome = ValidatedNode(settings, server, template)
        except exception.IronicException as error:
            outcome = error
        validation_memo().put(task, key, outcome)
    if isinstance(outcome, exception.IronicException):
        raise outcome
    return outcome


def refuse_if_in_use_by_oneview(
    task: Any, settings: NodeSettings, server: client.ServerHardware, doing: str
) -> None:
    """Raise :class:`errors.ServerInUseByOneView` when a OneView user owns the server.

    The error names the owner's profile; reading its name costs one GET, only on refusal.
    """
    if server_owner(task.node, server.server_profile_uri) is not ownership.Owner.ONEVIEW_USER:
        return
    profile_uri = server.server_profile_uri or ""
    try:
        name = get_client(settings).server_profiles.get(profile_uri).name
    except client.OneViewError:
        name = None  # the URI alone still names it
    raise errors.ServerInUseByOneView(
        node=task.node.uuid,
        doing=doing,
        server=checks.label(server),
        profile=f"{name!r} ({profile_uri})" if name else profile_uri,
    )
