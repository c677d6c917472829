"""Test support shared by the test suites: real OpenStack services and Ironic's unit-test base.

- :mod:`.simulator`: the OneView simulator as a real process.
- :mod:`.ironic_service`: a real all-in-one Ironic process (sqlite, noauth) on loopback.
- :mod:`.ironic_nodes`: ``move_node`` (a provisioning verb, then a fast poll).
- :mod:`.neutron_service`: a real Neutron API process (ML2 flat+vlan, sqlite, noauth).
- :mod:`.ironic_unit`: what must happen before Ironic's ``DbTestCase`` works under pytest.
- :mod:`.service_process`: start, probe and stop a server subprocess; free ports; a cache.

Nothing here is imported by the production packages.
"""
