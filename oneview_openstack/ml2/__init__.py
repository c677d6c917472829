"""The Neutron ML2 mechanism driver ``oneview``: Neutron networks become OneView networking.

A ``vlan`` segment on a mapped physical network becomes a tagged OneView Ethernet network in
the mapped uplink sets (of the logical interconnect group and of its logical interconnects);
a ``flat`` segment maps to an existing untagged network. A bare-metal port bound to a
OneView server becomes a connection of the server's profile. See ``doc/ml2.md``.
"""
