"""What a server becomes in Ironic: name, UUID, properties, class, traits and ports."""

from __future__ import annotations

import uuid

import pytest

from oneview_openstack import client
from oneview_openstack.enrollment import EnrollmentError, NodeOptions, catalog, spec

from . import seed

BIG = "Frame1, bay 3"  # SY 480 Gen10, 2 x 14 cores, 384 GiB, EG-Prod


def big_spec(**options: object) -> spec.NodeSpec:
    return spec.node_spec(
        seed.server(BIG),
        seed.bundle(),
        storage=seed.storage(894, 894),
        interconnects=seed.interconnects(),
        options=NodeOptions(**options),  # type: ignore[arg-type]
    )


def test_node_is_described_as_inspection_would() -> None:
    node = big_spec()
    server = seed.named("server-hardware", BIG)

    assert node.uuid == server["uuid"].lower()
    assert node.name == "frame1-bay-3"
    assert node.properties["cpus"] == 28
    assert node.properties["memory_mb"] == 393216
    assert node.properties["cpu_arch"] == "x86_64"
    capabilities = dict(item.split(":", 1) for item in node.properties["capabilities"].split(","))
    assert capabilities["server_profile_template_uri"] == seed.bundle().template.uri
    assert capabilities["server_hardware_type_uri"] == server["serverHardwareTypeUri"]
    assert capabilities["boot_mode"] == "uefi"
    assert capabilities["oneview_firmware_baseline"] == "SY-2024.04.01"
    assert node.resource_class == "ov-sy-480-gen10-1-28c-384g-893g"
    assert node.driver_info == {
        "server_hardware_uri": server["uri"],
        "server_profile_template_uri": seed.bundle().template.uri,
    }
    assert node.body()["driver"] == "oneview"


def test_boot_volume_wins_over_drives_and_local_gb_option_wins_over_both() -> None:
    assert (
        spec.node_spec(
            seed.server(BIG),
            seed.bundle(),
            storage=seed.storage(894, 894, volume_gib=300),
            interconnects={},
            options=NodeOptions(),
        ).properties["local_gb"]
        == 299
    )
    assert big_spec(local_gb=50).properties["local_gb"] == 50
    assert big_spec(local_gb=50).resource_class.endswith("-50g")


def test_no_storage_reported_gives_zero_not_a_guess() -> None:
    node = spec.node_spec(
        seed.server(BIG), seed.bundle(), storage=None, interconnects={}, options=NodeOptions()
    )
    assert node.properties["local_gb"] == 0


def test_ports_follow_the_template_connections_boot_nic_first() -> None:
    ports = big_spec().ports
    assert [(p.oneview_port_id, p.pxe_enabled) for p in ports] == [
        ("Mezz 3:1-a", True),
        ("Mezz 3:2-a", False),
    ]
    assert all(p.local_link_connection["switch_id"] for p in ports)
    assert {p.local_link_connection["port_id"] for p in ports} == {"d3"}  # bay 3's downlink
    assert big_spec(boot_nic_only=True).ports == ports[:1]


def test_chosen_nics_by_port_id_or_mac_any_case() -> None:
    ports = big_spec().ports
    mac = ports[1].address.upper()
    assert [p.address for p in big_spec(nics=(mac,)).ports] == [ports[1].address]
    other = big_spec(nics=("Mezz 3:1-b",)).ports
    assert other[0].oneview_port_id == "Mezz 3:1-b" and not other[0].pxe_enabled


def test_a_nic_the_server_lacks_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(EnrollmentError) as error:
        big_spec(nics=("11:22:33:44:55:66",))
    assert "'Frame1, bay 3' has no NIC '11:22:33:44:55:66'" in str(error.value)
    assert "Mezz 3:1-a" in str(error.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Frame1, bay 3", "frame1-bay-3"),
        ("dl360-01.lab.example", "dl360-01.lab.example"),
        ("  Rack 7 / U12  ", "rack-7-u12"),
    ],
)
def test_node_names_are_legal_for_ironic(name: str, expected: str) -> None:
    server = client.ServerHardware({"uri": "/rest/server-hardware/x", "name": name})
    assert spec.node_name(server) == expected


def test_node_uuid_is_stable_without_a_server_uuid() -> None:
    server = client.ServerHardware({"uri": "/rest/server-hardware/ABC", "uuid": "not-a-uuid"})
    first = spec.node_uuid(server)
    assert first == spec.node_uuid(client.ServerHardware({"uri": "/rest/server-hardware/abc/"}))
    assert uuid.UUID(first)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"interfaces": {"deploi": "x"}}, "interface family 'deploi' is unknown"),
        ({"local_gb": -1}, "local_gb -1 is negative"),
        ({"resource_class": "gold class"}, "resource class 'gold class' is invalid"),
        ({"resource_class": "x" * 81}, "is invalid"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(EnrollmentError, match=message):
        NodeOptions(**options)  # type: ignore[arg-type]


def test_a_server_without_a_known_processor_is_refused() -> None:
    server = client.ServerHardware({**seed.named("server-hardware", BIG), "processorType": "?"})
    with pytest.raises(EnrollmentError, match="processorType"):
        spec.node_spec(server, seed.bundle(), storage=None, interconnects={}, options=NodeOptions())


def rack_spec(server: client.ServerHardware) -> spec.NodeSpec:
    return spec.node_spec(
        server, seed.rack_bundle(), storage=seed.storage(960, 960), interconnects={},
        options=NodeOptions(),
    )  # fmt: skip


def test_a_rack_servers_adapters_become_ports_the_first_one_boots() -> None:
    ports = rack_spec(seed.rack_server()).ports

    assert [(p.address, p.oneview_port_id, p.pxe_enabled) for p in ports] == [
        ("94:40:c9:3a:10:00", "Embedded 1:1", True),
        ("94:40:c9:3a:10:01", "Embedded 1:2", False),
        ("b8:83:03:5c:22:a0", "Flb 1:1", False),
        ("b8:83:03:5c:22:a1", "Flb 1:2", False),
    ]
    assert all(p.local_link_connection == {} for p in ports)  # no interconnect to name


def test_a_rack_server_whose_adapters_oneview_does_not_report_gets_no_port() -> None:
    node = rack_spec(seed.rack_server(adapters=False))

    assert node.ports == ()


def test_a_virtual_mac_template_enrolls_with_the_hardware_macs() -> None:
    bundle = seed.bundle()
    bundle.template.data["macType"] = "Virtual"
    catalog.check_template(bundle.template)

    ports = spec.node_spec(
        seed.server(BIG), bundle, storage=None, interconnects={}, options=NodeOptions()
    ).ports

    assert [(p.oneview_port_id, p.pxe_enabled) for p in ports] == [
        ("Mezz 3:1-a", True),
        ("Mezz 3:2-a", False),
    ]
    assert ports[0].address == seed.server(BIG).mac_for_port_id("Mezz 3:1-a").lower()


def test_a_user_defined_mac_template_is_refused() -> None:
    template = seed.bundle().template
    template.data["macType"] = "UserDefined"

    with pytest.raises(EnrollmentError, match="macType 'UserDefined'; allowed: 'Physical' or"):
        catalog.check_template(template)
