"""The Ironic client of the daemon: openstacksdk's baremetal proxy on a keystoneauth session
made from ``[ironic]`` (a Keystone user, or ``auth_type = none`` + ``endpoint_override``),
counting its requests."""

from __future__ import annotations

from typing import Any

import openstack.connection
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from oneview_openstack.conf import daemon as daemon_conf
from oneview_openstack.daemon.metrics import Metrics


class CountingBaremetal:
    """The baremetal proxy, with every ``request`` counted (enrollment only uses that)."""

    def __init__(self, proxy: Any, metrics: Metrics) -> None:
        self._proxy = proxy
        self._metrics = metrics

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self._metrics.ironic_requests.inc()
        return self._proxy.request(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proxy, name)


def connect(conf: cfg.ConfigOpts, metrics: Metrics) -> CountingBaremetal:
    group = daemon_conf.IRONIC
    options = conf[group]
    auth = ks_loading.load_auth_from_conf_options(conf, group)
    session = ks_loading.load_session_from_conf_options(conf, group, auth=auth)
    extra: dict[str, Any] = {}
    if options.endpoint_override:
        extra["baremetal_endpoint_override"] = options.endpoint_override
    if options.region_name:
        extra["region_name"] = options.region_name
    if options.valid_interfaces:
        extra["baremetal_interface"] = options.valid_interfaces[0]
    connection = openstack.connection.Connection(session=session, **extra)
    return CountingBaremetal(connection.baremetal, metrics)
