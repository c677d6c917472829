"""oslo.config options this project adds to the OpenStack services' configuration files.

``register_opts(conf)`` registers them on a ``ConfigOpts`` (Ironic's ``CONF``); the Ironic
driver calls it when its modules are imported. ``opts.list_opts`` lists them for
``oslo-config-generator``.
"""

from __future__ import annotations

from oslo_config import cfg

from oneview_openstack.conf import oneview


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register every group of options this project defines on *conf* (idempotent)."""
    oneview.register_opts(conf)
