"""The ``[oneview]`` section of ``ironic.conf`` (and, its connection part, of ``neutron.conf``).

The first seven names are those of the original in-tree driver (Mitaka to Rocky), so an
existing ``[oneview]`` section keeps working. The others are new; every duration is in
seconds. A node may override the appliance and its credentials in ``driver_info`` (see
``oneview_openstack.ironic_driver.common``).
"""

from __future__ import annotations

from typing import Any

from oslo_config import cfg

from oneview_openstack import client
from oneview_openstack.client.metrics import CallObserver

GROUP = "oneview"

# How to reach the appliance: shared by ironic.conf and the ML2 driver's neutron.conf.
connection_opts = [
    cfg.StrOpt(
        "manager_url",
        # the name networking-oneview used, with a host[:port] value
        deprecated_name="oneview_host",
        help="URL of the OneView appliance, e.g. https://oneview.example.com (a bare host "
        "name means https). Ironic nodes may override it with "
        "driver_info/oneview_manager_url.",
    ),
    cfg.StrOpt("username", help="OneView user the service logs in as."),
    cfg.StrOpt("password", secret=True, help="Password of the OneView user."),
    cfg.StrOpt(
        "login_domain",
        help="OneView login domain (directory) of the user; unset means the appliance's "
        "default (LOCAL).",
    ),
    cfg.BoolOpt(
        "allow_insecure_connections",
        default=False,
        help="Do not verify the appliance's TLS certificate. Unsafe: only for labs. When "
        "set, tls_cacert_file is ignored.",
    ),
    cfg.StrOpt(
        "tls_cacert_file",
        help="CA bundle (PEM) to verify the appliance's certificate with. Unset means the "
        "system's trusted CAs.",
    ),
    cfg.IntOpt(
        "api_version_cap",
        min=120,
        help="Highest OneView REST API version (X-API-Version) to use; unset means the "
        "highest version both the appliance and this driver support.",
    ),
    cfg.IntOpt(
        "request_timeout",
        default=60,
        min=1,
        help="Seconds to wait for OneView to answer one HTTP request.",
    ),
    cfg.IntOpt(
        "request_retries",
        default=3,
        min=0,
        help="How many times a failed request that is safe to repeat is retried (connection "
        "errors, 503, locked resources), with exponential backoff.",
    ),
    cfg.IntOpt(
        "task_timeout",
        default=1800,
        min=1,
        help="Seconds to wait for a long OneView task (applying or editing a server "
        "profile, which may include a firmware update).",
    ),
]

# The conductor's own.
ironic_opts = [
    cfg.BoolOpt(
        "enable_periodic_tasks",
        default=True,
        help="Run the dynamic-allocation periodic tasks: take nodes whose server a OneView "
        "user claimed out of 'available', and give them back when it is freed.",
    ),
    cfg.IntOpt(
        "periodic_check_interval",
        default=300,
        help="Seconds between two runs of the dynamic-allocation periodic tasks; 0 or less "
        "disables them.",
    ),
    cfg.IntOpt(
        "task_poll_interval",
        default=10,
        min=1,
        help="Seconds between two readings of the OneView tasks nodes wait for (applying or "
        "removing a server profile): one task listing per appliance, whatever the number "
        "of nodes. A step ends at most this long after OneView's task did.",
    ),
    cfg.IntOpt(
        "power_timeout",
        default=120,
        min=1,
        help="Seconds to wait for a power task (on, hard off, reset) when Ironic asks for "
        "no timeout. Soft power off and soft reboot use the timeout Ironic gives "
        "([conductor]soft_power_off_timeout by default).",
    ),
    cfg.BoolOpt(
        "soft_power_off_fallback",
        default=False,
        help="When a soft power off (ACPI shutdown request) fails or does not finish in time, "
        "power the server off hard (press and hold) instead of failing. By default (false) "
        "the soft power off fails as Ironic defines it (PowerStateFailure, with OneView's "
        "reason) and the server is left running: a hard power off can lose the data of an "
        "OS that was still shutting down, so it is the operator's choice.",
    ),
    cfg.IntOpt(
        "inventory_max_age",
        default=30,
        min=0,
        help="Seconds a listing of the appliance's server hardware may be reused by the "
        "power-state sync before it is listed again (one paged listing serves every node "
        "instead of one request per node; a state that disagrees with Ironic's record is "
        "always read again from the server). 0 reads every server on its own.",
    ),
    cfg.IntOpt(
        "inventory_page_size",
        default=500,
        min=1,
        help="Servers per page when listing the appliance's server hardware for the "
        "periodic tasks and the power-state sync.",
    ),
]


opts = connection_opts + ironic_opts


def new_client(options: Any, observer: CallObserver | None = None) -> client.OneViewClient:
    """A client from a group holding :data:`connection_opts` (``conf.oneview``).

    :raises cfg.RequiredOptError: ``manager_url`` is not set.
    """
    if not options.manager_url:
        raise cfg.RequiredOptError("manager_url", cfg.OptGroup(GROUP))
    return client.OneViewClient(
        options.manager_url,
        options.username,
        options.password,
        login_domain=options.login_domain,
        ca_file=options.tls_cacert_file,
        insecure=options.allow_insecure_connections,
        api_version_cap=options.api_version_cap,
        timeout=options.request_timeout,
        retries=options.request_retries,
        task_timeout=options.task_timeout,
        observer=observer,
    )


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register the ``[oneview]`` options on *conf* (idempotent)."""
    conf.register_opts(opts, group=GROUP)
