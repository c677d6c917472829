"""Options for ``oslo-config-generator`` (entry point group ``oslo.config.opts``).

``oslo-config-generator --config-file tools/config/oneview-ironic.conf`` writes the sample.
"""

from __future__ import annotations

import copy

from oslo_config import cfg

from oneview_openstack.conf import oneview

# Keep this in ABC order.
_opts = [
    (oneview.GROUP, oneview.opts),
]


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """Every option group this project adds to ``ironic.conf``, with its options."""
    return [(group, copy.deepcopy(options)) for group, options in _opts]
