"""The configuration file of ``ironic-oneviewd``: ``[daemon]``, ``[coordination]``,
``[ironic]`` (keystoneauth: a Keystone user, or ``auth_type = none`` with
``endpoint_override``) and the ``[oneview]`` connection options.
"""

from __future__ import annotations

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

from oneview_openstack.conf import oneview

DAEMON = "daemon"
COORDINATION = "coordination"
IRONIC = "ironic"

daemon_opts: list[cfg.Opt] = [
    cfg.ListOpt(
        "templates",
        default=[],
        help="Server profile templates (names or ids) whose compatible servers are enrolled; "
        "a server compatible with several is enrolled for the first listed.",
    ),
    cfg.IntOpt(
        "interval",
        default=60,
        min=1,
        help="Seconds between the start of two cycles (read OneView and Ironic, enroll the "
        "new servers, move nodes toward 'available').",
    ),
    cfg.IntOpt(
        "settle_timeout",
        default=600,
        min=0,
        help="Seconds a cycle keeps following the nodes it moved (re-reading Ironic every "
        "poll_interval) before it ends; nodes still moving are followed by the next cycle.",
    ),
    cfg.FloatOpt(
        "poll_interval",
        default=2.0,
        min=0.1,
        help="Seconds between two readings of Ironic while nodes are moving.",
    ),
    cfg.IntOpt(
        "workers",
        default=8,
        min=1,
        help="Servers enrolled, and node transitions requested, at the same time.",
    ),
    cfg.BoolOpt(
        "inspect",
        default=False,
        help="Inspect (out of band) a manageable node that lacks cpus, memory_mb, local_gb "
        "or cpu_arch before making it available. Enrollment sets them, so this only "
        "matters for nodes enrolled otherwise.",
    ),
    cfg.IntOpt(
        "retry_backoff",
        default=60,
        min=0,
        help="A node found in 'inspect failed' or 'clean failed' is retried at once; if it "
        "fails again, the next retry waits this many seconds, doubled at each further "
        "failure of the same node, up to retry_backoff_max.",
    ),
    cfg.IntOpt(
        "retry_backoff_max",
        default=3600,
        min=0,
        help="Longest wait between two retries of a failing node.",
    ),
    cfg.StrOpt(
        "physical_network",
        help="physical_network of the ports created (the Neutron physical network the "
        "servers' NICs reach, for Ironic's neutron network interface).",
    ),
    cfg.DictOpt(
        "interfaces",
        default={},
        help="Hardware interfaces of the nodes created, e.g. deploy:oneview-direct,"
        "boot:pxe,network:neutron (unset ones are Ironic's defaults).",
    ),
    cfg.DictOpt(
        "driver_info",
        default={},
        help="More driver_info of the nodes created, e.g. deploy_kernel:<image>,"
        "deploy_ramdisk:<image>.",
    ),
    cfg.StrOpt(
        "conductor_group",
        help="Ironic conductor group of the nodes created.",
    ),
    cfg.HostAddressOpt(
        "listen_address",
        default="127.0.0.1",
        help="Address of the metrics (/metrics, Prometheus) and health (/healthz) endpoint.",
    ),
    cfg.PortOpt(
        "listen_port",
        default=9469,
        help="Port of the metrics and health endpoint; 0 picks a free one (logged).",
    ),
]

coordination_opts: list[cfg.Opt] = [
    cfg.StrOpt(
        "backend_url",
        secret=True,
        help="tooz coordination backend shared by the instances, e.g. "
        "redis://redis.example:6379?membership_timeout=10. Unset: this instance handles "
        "every server alone.",
    ),
    cfg.StrOpt(
        "member_id",
        help="This instance's name in the group; unset: <host name>-<process id>.",
    ),
    cfg.StrOpt(
        "group",
        default="ironic-oneviewd",
        help="The tooz group the instances join; servers are shared among its members "
        "through a consistent hash ring.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(daemon_opts, group=DAEMON)
    conf.register_opts(coordination_opts, group=COORDINATION)
    conf.register_opts(oneview.connection_opts, group=oneview.GROUP)
    ks_loading.register_auth_conf_options(conf, IRONIC)
    ks_loading.register_session_conf_options(conf, IRONIC)
    conf.register_opts(adapter_opts(), group=IRONIC)


#: The keystoneauth adapter options the daemon uses (to find Ironic's endpoint).
ADAPTER_OPTIONS = ("endpoint_override", "region_name", "valid_interfaces")


def adapter_opts() -> list[cfg.Opt]:
    return [o for o in ks_loading.get_adapter_conf_options() if o.dest in ADAPTER_OPTIONS]


def ironic_opts() -> list[cfg.Opt]:
    """keystoneauth's options of ``[ironic]`` (session, endpoint and the password plugin)."""
    options = ks_loading.get_session_conf_options() + adapter_opts()
    options += ks_loading.get_auth_common_conf_options()
    options += ks_loading.get_auth_plugin_conf_options("password")
    unique: dict[str, cfg.Opt] = {}
    for option in options:
        unique.setdefault(option.dest, option)
    return list(unique.values())
