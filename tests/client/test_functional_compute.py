"""Server hardware, types, enclosures, templates and profiles over real HTTPS."""

from __future__ import annotations

import pytest

from oneview_openstack.client import (
    BootDevice,
    BootPriority,
    EnclosureGroup,
    NotFound,
    OneTimeBoot,
    OneViewClient,
    PowerControl,
    PowerState,
    ProfileConnection,
    ProfileState,
    ServerHardware,
    ServerHardwareState,
    ServerProfile,
    ServerProfileTemplate,
    Task,
    TaskState,
    TemplateCompliance,
)

pytestmark = pytest.mark.functional


def a_template(ov: OneViewClient) -> ServerProfileTemplate:
    return next(iter(ov.server_profile_templates.list()))


def free_server_for(ov: OneViewClient, template: ServerProfileTemplate) -> ServerHardware:
    filters = {
        "serverHardwareTypeUri": template.server_hardware_type_uri,
        "serverGroupUri": template.enclosure_group_uri,
    }
    for server in ov.server_hardware.list(filters):
        if server.server_profile_uri is None:
            return server
    raise AssertionError(f"the seed has no free server for template {template.name}")


def test_api_version_is_negotiated(client, api_version_cap, sim):
    current = client.appliance_version().current
    assert client.api_version == (api_version_cap or current)


def test_list_is_one_filtered_request_and_every_member_matches(client, counter):
    everything = list(client.server_hardware.list())
    assert len(everything) >= 2
    sht = everything[0].server_hardware_type_uri
    counter.reset()
    matching = list(client.server_hardware.list({"serverHardwareTypeUri": sht}))
    assert counter.counts() == {"GET /rest/server-hardware": 1}
    assert matching and all(s.server_hardware_type_uri == sht for s in matching)
    assert {s.uri for s in matching} == {
        s.uri for s in everything if s.server_hardware_type_uri == sht
    }


def test_small_pages_are_followed_lazily_to_the_end(client, counter):
    everything = [s.uri for s in client.server_hardware.list(sort="name:ascending")]
    counter.reset()
    pages = client.server_hardware.list(sort="name:ascending", page_size=2)
    assert counter.total == 0, "nothing is sent before iteration"
    first = next(pages)
    assert counter.total == 1
    rest = [s.uri for s in pages]
    assert [first.uri, *rest] == everything
    assert counter.counts()["GET /rest/server-hardware"] == -(-len(everything) // 2)


def test_pages_capped_by_the_appliance_are_followed(client, ops, counter):
    everything = {s.uri for s in client.server_hardware.list()}
    ops.config(max_page_size=3)
    counter.reset()
    assert {s.uri for s in client.server_hardware.list(page_size=500)} == everything
    assert counter.counts()["GET /rest/server-hardware"] == -(-len(everything) // 3)


def test_null_filter_finds_servers_without_a_profile(client):
    free = list(client.server_hardware.list({"serverProfileUri": None}))
    assert free
    assert {s.uri for s in free} == {
        s.uri for s in client.server_hardware.list() if s.server_profile_uri is None
    }


def test_get_by_uuid_uri_or_resource(client):
    server = next(iter(client.server_hardware.list()))
    for ref in (server.uuid, server.uri, server):
        again = client.server_hardware.get(ref)
        assert again.uri == server.uri
        assert isinstance(again.power_state, PowerState)
        assert isinstance(again.state, ServerHardwareState)


def test_unknown_server_is_not_found_with_oneview_error_code(client):
    with pytest.raises(NotFound) as caught:
        client.server_hardware.get("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    assert caught.value.error_code
    assert "/rest/server-hardware/00000000-0000-0000-0000-000000000000" in str(caught.value)


def test_related_resources_resolve(client):
    server = next(s for s in client.server_hardware.list() if not s.is_rack_server)
    sht = client.server_hardware_types.get(server.server_hardware_type_uri)
    assert sht.uri == server.server_hardware_type_uri and sht.name
    group = client.enclosure_groups.get(server.enclosure_group_uri)
    assert isinstance(group, EnclosureGroup) and group.uri == server.enclosure_group_uri
    enclosure = client.enclosures.get(server.enclosure_uri)
    assert enclosure.uri == server.enclosure_uri
    assert client.enclosures.get_by_name(enclosure.name).uri == enclosure.uri
    assert client.enclosure_groups.find_by_name("no such group") is None


def test_power_off_and_on(client):
    server = next(s for s in client.server_hardware.list() if not s.power_lock)
    task = client.server_hardware.set_power(server, PowerState.OFF, PowerControl.PRESS_AND_HOLD)
    assert isinstance(task, Task) and task.state in (TaskState.COMPLETED, TaskState.WARNING)
    assert client.server_hardware.get_power_state(server) is PowerState.OFF
    pending = client.server_hardware.set_power(server.uuid, PowerState.ON, wait=False)
    done = client.tasks.wait(pending)
    assert done.is_success and done.resource_uri == server.uri
    assert client.server_hardware.get(server).power_state is PowerState.ON


def test_one_time_boot_and_refresh(client):
    server = next(iter(client.server_hardware.list()))
    assert client.server_hardware.set_one_time_boot(server, OneTimeBoot.NETWORK).is_success
    assert client.server_hardware.refresh(server).is_success


def test_profile_lifecycle_from_template(client):
    template = a_template(client)
    server = free_server_for(client, template)
    client.server_hardware.set_power(server, PowerState.OFF)

    profile = client.server_profiles.create_from_template(template, "client-test-1", server)
    assert isinstance(profile, ServerProfile)
    assert profile.state is ProfileState.NORMAL and not profile.in_progress
    assert profile.server_hardware_uri == server.uri
    assert profile.server_profile_template_uri == template.uri
    assert len(profile.connections) == len(template.connections)
    assert client.server_hardware.get(server).server_profile_uri == profile.uri

    def pxe_first(p: ServerProfile) -> None:
        p.boot_order = [BootDevice.PXE, *[d for d in p.boot_order if d != "PXE"]]

    updated = client.server_profiles.modify(profile, pxe_first)
    assert updated.boot_order[0] == "PXE"
    assert updated.etag != profile.etag

    preview = client.server_profiles.compliance_preview(profile)
    assert isinstance(preview.is_online_update, bool)

    task = client.server_profiles.delete(profile)
    assert task.is_success
    with pytest.raises(NotFound):
        client.server_profiles.get(profile.uri)
    assert client.server_hardware.get(server).server_profile_uri is None


def test_profile_follows_its_changed_template(client):
    template = a_template(client)
    server = free_server_for(client, template)
    client.server_hardware.set_power(server, PowerState.OFF)
    profile = client.server_profiles.create_from_template(
        template, "client-test-compliance", server
    )
    assert profile.template_compliance is TemplateCompliance.COMPLIANT

    def new_boot_order(t: ServerProfileTemplate) -> None:
        t.boot_order = [BootDevice.HARD_DISK, BootDevice.PXE]

    changed = client.server_profile_templates.modify(template, new_boot_order)
    assert changed.boot_order == ["HardDisk", "PXE"]
    stale = client.server_profiles.get(profile)
    assert stale.template_compliance is TemplateCompliance.NON_COMPLIANT
    assert not client.server_profiles.compliance_preview(stale).is_compliant

    assert client.server_profiles.update_from_template(stale).is_success
    fresh = client.server_profiles.get(profile)
    assert fresh.template_compliance is TemplateCompliance.COMPLIANT
    assert fresh.boot_order == ["HardDisk", "PXE"]


def test_connections_are_one_model_at_every_api_version(client):
    template = a_template(client)
    server = free_server_for(client, template)
    client.server_hardware.set_power(server, PowerState.OFF)
    network = client.ethernet_networks.get(template.connections[0].network_uri)
    profile = client.server_profile_templates.new_profile(template)
    profile.name = "client-test-connections"
    profile.server_hardware_uri = server.uri
    port = server.ethernet_ports[0]
    profile.remove_connections(lambda c: True)
    profile.add_connection(
        ProfileConnection.new(
            name="pxe",
            network_uri=network.uri,
            port_id=port.function_port_id("a"),
            boot_priority=BootPriority.PRIMARY,
        )
    )
    created = client.server_profiles.create(profile)
    (conn,) = created.connections
    assert conn.network_uri == network.uri
    assert conn.port_id == port.function_port_id("a")
    assert conn.boot_priority is BootPriority.PRIMARY
    assert conn.id > 0, "the appliance assigned an id"
    listed = client.server_profiles.get_by_name("client-test-connections")
    assert [c.network_uri for c in listed.connections] == [network.uri]
    client.server_profiles.delete(created)


def test_create_without_waiting_returns_the_task(client):
    template = a_template(client)
    server = free_server_for(client, template)
    client.server_hardware.set_power(server, PowerState.OFF)
    profile = client.server_profile_templates.new_profile(template)
    profile.name = "client-test-nowait"
    profile.server_hardware_uri = server.uri
    task = client.server_profiles.create(profile, wait=False)
    assert isinstance(task, Task) and task.uri.startswith("/rest/tasks/")
    done = client.tasks.wait(task)
    assert client.server_profiles.get(done.resource_uri).name == "client-test-nowait"
