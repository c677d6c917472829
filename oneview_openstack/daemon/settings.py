"""The daemon's configuration, read and checked once: a bad value stops it at start with a
message naming the option, the value and what is allowed."""

from __future__ import annotations

import dataclasses
from typing import Any

from oslo_config import cfg

from oneview_openstack.conf import daemon as daemon_conf
from oneview_openstack.conf import oneview as oneview_conf
from oneview_openstack.enrollment import EnrollmentError, NodeOptions


class SettingsError(ValueError):
    """The configuration cannot work; the message says which option and why."""


@dataclasses.dataclass(frozen=True)
class Settings:
    templates: tuple[str, ...]
    interval: float
    settle_timeout: float
    poll_interval: float
    workers: int
    inspect: bool
    retry_backoff: float
    retry_backoff_max: float
    node_options: NodeOptions
    listen_address: str
    listen_port: int
    backend_url: str | None
    member_id: str | None
    group: str


def read(conf: cfg.ConfigOpts) -> Settings:
    """:raises SettingsError: naming the option."""
    daemon = conf[daemon_conf.DAEMON]
    coordination = conf[daemon_conf.COORDINATION]
    templates = tuple(t.strip() for t in daemon.templates if t.strip())
    if not templates:
        raise SettingsError(
            "[daemon] templates is empty: name the server profile templates (names or ids) "
            "whose servers ironic-oneviewd enrolls, e.g. templates = SPT-Prod-SY480"
        )
    if not conf[oneview_conf.GROUP].manager_url:
        raise SettingsError("[oneview] manager_url is not set: the URL of the OneView appliance")
    if daemon.retry_backoff_max < daemon.retry_backoff:
        raise SettingsError(
            f"[daemon] retry_backoff_max ({daemon.retry_backoff_max}) is below retry_backoff "
            f"({daemon.retry_backoff})"
        )
    return Settings(
        templates=templates,
        interval=float(daemon.interval),
        settle_timeout=float(daemon.settle_timeout),
        poll_interval=float(daemon.poll_interval),
        workers=int(daemon.workers),
        inspect=bool(daemon.inspect),
        retry_backoff=float(daemon.retry_backoff),
        retry_backoff_max=float(daemon.retry_backoff_max),
        node_options=_node_options(daemon),
        listen_address=str(daemon.listen_address),
        listen_port=int(daemon.listen_port),
        backend_url=coordination.backend_url or None,
        member_id=coordination.member_id or None,
        group=str(coordination.group),
    )


def _node_options(daemon: Any) -> NodeOptions:
    try:
        return NodeOptions(
            driver_info=dict(daemon.driver_info or {}),
            interfaces=dict(daemon.interfaces or {}),
            physical_network=daemon.physical_network or None,
            conductor_group=daemon.conductor_group or None,
        )
    except EnrollmentError as error:
        raise SettingsError(f"[daemon] interfaces: {error}") from error
