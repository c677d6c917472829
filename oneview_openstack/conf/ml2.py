"""The ``[ml2_oneview]`` section of Neutron's configuration: what the ML2 driver maps.

The mapping and synchronization keys are those of networking-oneview 1.1.0, which read them
from ``[DEFAULT]``; they are still read there (``deprecated_group``), so its
``ml2_conf_oneview.ini`` works unchanged. The appliance is reached with the ``[oneview]``
connection options of :mod:`oneview_openstack.conf.oneview` (``oneview_host`` is the old
name of ``manager_url``).
"""

from __future__ import annotations

from oslo_config import cfg

from oneview_openstack.conf import oneview

GROUP = "ml2_oneview"

group = cfg.OptGroup(
    GROUP,
    title="OneView ML2 mechanism driver",
    help="What the ML2 mechanism driver 'oneview' maps. networking-oneview's keys in "
    "[DEFAULT] (uplinkset_mappings, flat_net_mappings, sync_interval, "
    "force_sync_delete_ops) are still read there when this section does not set them.",
)

opts = [
    cfg.ListOpt(
        "uplinkset_mappings",
        default=[],
        deprecated_group="DEFAULT",
        help="Where the VLAN networks of each physical network go: a list of "
        "<physical network>:<logical interconnect group>:<uplink set name>, the group by "
        "name or id. A physical network may repeat, to map several groups, or one tagged and "
        "one untagged uplink set of a group. A vlan segment becomes a tagged OneView network "
        "in the group's uplink set and in the uplink sets of that name of the group's "
        "logical interconnects.",
    ),
    cfg.ListOpt(
        "flat_net_mappings",
        default=[],
        deprecated_group="DEFAULT",
        help="Existing untagged OneView networks for flat segments: a list of "
        "<physical network>:<OneView network name or id>. The OneView network is used, "
        "never created nor deleted.",
    ),
    cfg.IntOpt(
        "sync_interval",
        default=300,
        min=0,
        deprecated_group="DEFAULT",
        help="Seconds between two synchronizations of OneView with Neutron (the first runs "
        "at start): missing networks and uplink-set memberships are re-created, changes "
        "that OneView refused are completed, profile connections of bound ports repaired. "
        "0 runs it only at start.",
    ),
    cfg.BoolOpt(
        "force_sync_delete_ops",
        default=False,
        deprecated_group="DEFAULT",
        help="Let the synchronization also delete OneView networks named 'Neutron [<id>]' "
        "that no network of this Neutron accounts for, and give back server-profile "
        "connections named after ports this Neutron has not bound. Leave it off when "
        "several Neutron deployments share the appliance. What this driver recorded as to "
        "be deleted is always completed.",
    ),
    cfg.FloatOpt(
        "batch_window",
        default=0.05,
        min=0.0,
        help="Seconds a network change waits for others before the uplink sets are "
        "updated: changes arriving together cost one update per uplink set, not one per "
        "network.",
    ),
    cfg.IntOpt(
        "server_index_max_age",
        default=60,
        min=0,
        help="Seconds a listing of the appliance's server hardware (to find the server of a "
        "port by its MAC or local link) may be reused; a port naming an unknown server "
        "always lists again, at most once per this interval.",
    ),
    cfg.IntOpt(
        "power_off_timeout",
        default=120,
        min=1,
        help="Seconds to wait for a server to power off when OneView refuses to edit its "
        "profile's connections while it is on.",
    ),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register ``[ml2_oneview]`` and the ``[oneview]`` connection options (idempotent)."""
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_opts(oneview.connection_opts, group=oneview.GROUP)
