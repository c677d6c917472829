"""Options for ``oslo-config-generator`` (entry point group ``oslo.config.opts``).

``oslo-config-generator --config-file tools/config/oneview-ironic.conf`` writes the sample
of ``ironic.conf``, ``tools/config/oneview-ml2.conf`` that of the ML2 driver and
``tools/config/ironic-oneviewd.conf`` that of the daemon.
"""

from __future__ import annotations

import copy

from oslo_config import cfg

from oneview_openstack.conf import daemon, ml2, oneview


def list_opts() -> list[tuple[str | cfg.OptGroup, list[cfg.Opt]]]:
    """Every option group this project adds to ``ironic.conf``, with its options."""
    return _copied([(oneview.GROUP, oneview.opts)])


def list_ml2_opts() -> list[tuple[str | cfg.OptGroup, list[cfg.Opt]]]:
    """The option groups of the ML2 driver in Neutron's configuration."""
    return _copied([(ml2.group, ml2.opts), (oneview.GROUP, oneview.connection_opts)])


def list_daemon_opts() -> list[tuple[str | cfg.OptGroup, list[cfg.Opt]]]:
    """The option groups of ``ironic-oneviewd``'s configuration file."""
    return _copied(
        [
            (daemon.DAEMON, list(daemon.daemon_opts)),
            (daemon.COORDINATION, list(daemon.coordination_opts)),
            (daemon.IRONIC, daemon.ironic_opts()),
            (oneview.GROUP, oneview.connection_opts),
        ]
    )


def _copied(
    groups: list[tuple[str | cfg.OptGroup, list[cfg.Opt]]],
) -> list[tuple[str | cfg.OptGroup, list[cfg.Opt]]]:
    return [(group, copy.deepcopy(options)) for group, options in groups]
