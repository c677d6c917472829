"""``ironic-oneviewd --config-file /etc/ironic-oneviewd/ironic-oneviewd.conf``."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence

from oslo_config import cfg
from oslo_log import log as oslo_log

from oneview_openstack.conf import daemon as daemon_conf
from oneview_openstack.conf import oneview as oneview_conf
from oneview_openstack.daemon import ironic, metrics, ring, settings
from oneview_openstack.daemon.cycle import Cycle
from oneview_openstack.daemon.service import Daemon

LOG = oslo_log.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    conf = cfg.ConfigOpts()
    daemon_conf.register_opts(conf)
    oslo_log.register_options(conf)
    try:
        conf(list(sys.argv[1:] if argv is None else argv), project="ironic-oneviewd")
    except cfg.Error as error:  # a value oslo.config refuses: same exit as ours
        print(f"ironic-oneviewd: {error}", file=sys.stderr)
        return 2
    oslo_log.setup(conf, "ironic-oneviewd")
    try:
        chosen = settings.read(conf)
    except settings.SettingsError as error:
        LOG.critical("%s", error)
        return 2
    return run(conf, chosen)


def run(conf: cfg.ConfigOpts, chosen: settings.Settings) -> int:
    stats = metrics.Metrics()
    health = metrics.Health(max_age=3 * chosen.interval + chosen.settle_timeout)
    listener = metrics.serve(stats, health, chosen.listen_address, chosen.listen_port)
    host, port = listener.server_address[:2]
    LOG.info("Metrics on http://%s:%s/metrics, health on /healthz", host, port)
    ov = oneview_conf.new_client(conf[oneview_conf.GROUP], observer=stats)
    try:
        membership = ring.membership(chosen.backend_url, chosen.group, chosen.member_id)
    except ring.MembershipError as error:
        LOG.critical("%s", error)
        return 1
    stop = threading.Event()
    baremetal = ironic.connect(conf, stats)
    cycle = Cycle(ov, baremetal, chosen, membership, stats, stop)
    daemon = Daemon(cycle, membership, stats, health, chosen.interval, stop)
    daemon.install_signal_handlers()
    LOG.info(
        "ironic-oneviewd %s: templates %s, every %.0f s",
        membership.member_id,
        ", ".join(chosen.templates),
        chosen.interval,
    )
    try:
        daemon.run()
    finally:
        listener.shutdown()
        ov.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
