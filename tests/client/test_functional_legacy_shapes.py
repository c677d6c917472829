"""Old API versions send profile connections at the top level; callers still see one model."""

from __future__ import annotations

import pytest

from oneview_openstack.client import BootPriority, PowerState, ProfileConnection

from .conftest import make_client
from .test_functional_compute import a_template, free_server_for

pytestmark = pytest.mark.functional


@pytest.mark.parametrize("api_version", [300, 500])
def test_profile_connections_at_an_old_api_version(sim, ops, api_version):
    with make_client(sim, api_version_cap=api_version) as ov:
        assert ov.api_version == api_version
        template = a_template(ov)
        server = free_server_for(ov, template)
        ov.server_hardware.set_power(server, PowerState.OFF)
        network = ov.ethernet_networks.get(template.connections[0].network_uri)

        profile = ov.server_profile_templates.new_profile(template)
        profile.name = f"legacy-{api_version}"
        profile.server_hardware_uri = server.uri
        profile.remove_connections(lambda c: True)
        profile.add_connection(
            ProfileConnection.new(
                name="pxe",
                network_uri=network.uri,
                port_id=server.ethernet_ports[0].function_port_id("a"),
                boot_priority=BootPriority.PRIMARY,
            )
        )
        created = ov.server_profiles.create(profile)

        wire = ov._transport.json(ov._transport.request("GET", created.uri), "GET", created.uri)
        assert "connectionSettings" not in wire, "the appliance used the old shape"
        assert [c["networkUri"] for c in wire["connections"]] == [network.uri]

        assert [c.network_uri for c in created.connections] == [network.uri]
        assert created.connections[0].boot_priority is BootPriority.PRIMARY

        def rename(p):
            p.connections[0].data["name"] = "pxe-renamed"

        updated = ov.server_profiles.modify(created, rename)
        assert [c.name for c in updated.connections] == ["pxe-renamed"]
        assert ov.server_profiles.delete(updated).is_success


@pytest.mark.parametrize("api_version", [300, 800])
def test_template_round_trip_keeps_its_connections(sim, ops, api_version):
    with make_client(sim, api_version_cap=api_version) as ov:
        template = a_template(ov)
        before = [(c.port_id, c.network_uri) for c in template.connections]
        assert before

        def describe(t):
            t.data["description"] = f"edited at API {api_version}"

        changed = ov.server_profile_templates.modify(template, describe)
        assert changed.description == f"edited at API {api_version}"
        assert [(c.port_id, c.network_uri) for c in changed.connections] == before
