"""``make demo``: the project's main story, on one OpenStack on loopback and the OneView simulator.

1. the services (MariaDB, RabbitMQ, Placement, Glance, Neutron, Ironic, Nova) and the
   (simulated) OneView appliance, through our own client;
2. ``ironic-oneviewd`` enrolls a template's servers and brings them to ``available``;
3. the tenant's view: flavors from the CLI, a VLAN network (in OneView's uplink sets too), a
   Glance image;
4. ``openstack server create`` lands on a OneView blade on that VLAN, ``server delete`` frees it;
5. OneView users take the free servers: Nova's ``No valid host``, and the capacity back when
   they give them back.

``python -m oneview_openstack.demo [--workdir DIR] [--keep]``; every process it starts is
stopped when it ends, fails or is interrupted (``--keep``: once Ctrl-C or SIGTERM ends the wait).
"""
