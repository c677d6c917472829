"""Harnesses that start real services (simulator, Ironic, Neutron, nova-api, MariaDB) on loopback.

- :mod:`.simulator`: the OneView simulator as a real process.
- :mod:`.ironic_service`: a real all-in-one Ironic process (sqlite, noauth) on loopback.
- :mod:`.ironic_nodes`: ``move_node`` (a provisioning verb, then a fast poll).
- :mod:`.neutron_service`: a real Neutron API process (ML2 flat+vlan, sqlite, noauth).
- :mod:`.service_process`: start, probe and stop a server subprocess; free ports; a cache.

Used by the tests, the demo and the benchmarks; nothing here is imported by the drivers, the
client, the CLI or the simulator. Helpers only the tests use live under ``tests/``.
"""
