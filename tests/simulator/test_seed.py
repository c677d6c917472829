"""The datacenter an appliance starts from: the default seed file and the generator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from oneview_openstack.simulator.config import SimulatorConfig
from oneview_openstack.simulator.seed import DEFAULT_SEED, LOCAL_STORAGE, SeedError, load_datacenter

from . import seed_checks as checks

SH_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
LOWER_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def default_docs() -> list[dict]:
    return load_datacenter(SimulatorConfig()).documents


@pytest.fixture(scope="module")
def cols(default_docs: list[dict]) -> dict[str, list[dict]]:
    return checks.by_collection(default_docs)


def test_default_users_are_an_administrator_and_a_read_only_user() -> None:
    users = load_datacenter(SimulatorConfig()).users
    assert {u["userName"]: (u["password"], u["role"]) for u in users} == {
        "Administrator": ("admin-password", "Infrastructure administrator"),
        "readonly": ("readonly-password", "Read only"),
    }


def test_default_datacenter_has_the_described_topology(cols: dict[str, list[dict]]) -> None:
    sh = cols["server-hardware"]
    blades = [s for s in sh if s["locationUri"]]
    racks = [s for s in sh if not s["locationUri"]]
    assert (len(blades), len(racks)) == (14, 3)
    assert {s["shortModel"] for s in sh} == {"SY 480 Gen10", "SY 660 Gen10", "DL360 Gen10"}
    assert len({(s["memoryMb"], s["processorCount"]) for s in blades}) > 3
    assert [e["name"] for e in cols["enclosures"]] == ["Frame1", "Frame2", "Frame3"]
    assert len(cols["enclosure-groups"]) == 2
    assert len(cols["firmware-drivers"]) == 3
    deploy = next(n for n in cols["ethernet-networks"] if n["name"] == "deploy")
    assert deploy["ethernetNetworkType"] == "Untagged"
    kinds = {u["ethernetNetworkType"] for u in cols["uplink-sets"]}
    assert kinds == {"Tagged", "Untagged", "NotApplicable"}  # NotApplicable: the SAN ones


def test_every_uri_a_document_mentions_exists(default_docs: list[dict]) -> None:
    assert checks.dangling_references(default_docs) == []


def test_servers_agree_with_their_enclosures_types_and_interconnects(
    default_docs: list[dict],
) -> None:
    assert checks.server_problems(default_docs) == []


def test_logical_interconnects_and_uplink_sets_follow_their_group(default_docs: list[dict]) -> None:
    assert checks.fabric_problems(default_docs) == []


def test_hardware_macs_and_identities_are_unique(
    cols: dict[str, list[dict]], default_docs: list[dict]
) -> None:
    macs = checks.hardware_macs(default_docs)
    assert len(macs) > 14 * 18
    assert checks.duplicates(macs) == []
    sh = cols["server-hardware"]
    assert all(SH_UUID.match(s["uuid"]) and s["uri"].endswith(s["uuid"]) for s in sh)
    assert checks.duplicates([s["serialNumber"] for s in sh]) == []
    assert checks.duplicates([s["mpHostInfo"]["mpHostName"] for s in sh]) == []


def test_server_uuid_spells_model_code_and_serial_in_ascii(cols: dict[str, list[dict]]) -> None:
    sh = cols["server-hardware"][0]
    text = bytes.fromhex(sh["uuid"].replace("-", "")).decode("ascii")
    serial = sh["serialNumber"]
    assert text.endswith(serial[1] + serial[0] + serial[2:])


def test_rack_servers_have_no_location_or_group_and_report_their_own_nics(
    cols: dict[str, list[dict]],
) -> None:
    racks = [s for s in cols["server-hardware"] if s["shortModel"] == "DL360 Gen10"]
    assert racks
    for rack in racks:
        assert (rack["locationUri"], rack["serverGroupUri"], rack["position"]) == (None, None, None)
        slots = rack["portMap"]["deviceSlots"]
        assert [(slot["location"], slot["slotNumber"]) for slot in slots] == [
            ("Embedded", 1),
            ("Flb", 1),
        ]
        ports = [port for slot in slots for port in slot["physicalPorts"]]
        assert len(ports) == 6 and len({port["mac"] for port in ports}) == 6
        assert not any(port["interconnectUri"] or port["virtualPorts"] for port in ports)


def test_full_height_blade_covers_the_bay_below(cols: dict[str, list[dict]]) -> None:
    frame1 = next(e for e in cols["enclosures"] if e["name"] == "Frame1")
    sy660 = next(s for s in cols["server-hardware"] if s["name"] == "Frame1, bay 5")
    assert sy660["formFactor"] == "FullHeight"
    below = frame1["deviceBays"][10]
    assert (below["bayNumber"], below["devicePresence"], below["coveredByDevice"]) == (
        11,
        "Subsumed",
        sy660["uri"],
    )
    assert frame1["deviceBays"][8]["devicePresence"] == "Absent"


def test_templates_suit_ironic(cols: dict[str, list[dict]]) -> None:
    index = {d["uri"]: d for c in cols.values() for d in c}
    for spt in cols["server-profile-templates"]:
        assert spt["macType"] == "Physical", spt["name"]
        assert spt["boot"]["manageBoot"] is True and spt["boot"]["order"][0] == "PXE"
        assert spt["bootMode"]["mode"] == "UEFI"
        assert spt["firmware"]["manageFirmware"] is True
        assert index[spt["firmware"]["firmwareBaselineUri"]]["bundleType"] == "ServicePack"
        sht = index[spt["serverHardwareTypeUri"]]
        ports = {
            f"{a['location']} {a['slot']}:{p['number']}-{v['portFunction']}"
            for a in sht["adapters"]
            for p in a["ports"]
            for v in p["virtualPorts"]
        }
        for connection in spt["connectionSettings"]["connections"]:
            assert connection["portId"] in ports, (spt["name"], connection["portId"])
    combos = {
        (t["enclosureGroupUri"], t["serverHardwareTypeUri"])
        for t in cols["server-profile-templates"]
    }
    used = {(s["serverGroupUri"], s["serverHardwareTypeUri"]) for s in cols["server-hardware"]}
    assert used <= combos


def test_profile_applied_by_a_oneview_user_is_on_its_server_and_bay(
    cols: dict[str, list[dict]],
) -> None:
    (profile,) = cols["server-profiles"]
    sh = next(s for s in cols["server-hardware"] if s["uri"] == profile["serverHardwareUri"])
    assert (sh["name"], sh["state"], sh["serverProfileUri"]) == (
        "Frame2, bay 4",
        "ProfileApplied",
        profile["uri"],
    )
    enclosure = next(e for e in cols["enclosures"] if e["uri"] == sh["locationUri"])
    assert enclosure["deviceBays"][3]["profileUri"] == profile["uri"]
    assert LOWER_UUID.match(profile["uri"].rsplit("/", 1)[1])
    port_macs = {
        v["mac"]
        for slot in sh["portMap"]["deviceSlots"]
        for p in slot["physicalPorts"]
        for v in p["virtualPorts"]
        if v["portFunction"] == "a"
    }
    connections = profile["connectionSettings"]["connections"]
    assert {c["mac"] for c in connections} == port_macs


def test_every_server_reports_local_storage_with_a_boot_volume(cols: dict[str, list[dict]]) -> None:
    storage = {d["serverHardwareUri"]: d for d in cols[LOCAL_STORAGE]}
    frame1_bay1 = next(s for s in cols["server-hardware"] if s["name"] == "Frame1, bay 1")
    data = storage[frame1_bay1["uri"]]["data"][0]
    assert [d["CapacityGB"] for d in data["PhysicalDrives"]] == [480, 480]
    (boot,) = data["LogicalDrives"]
    assert boot["Raid"] == "1"
    assert round(boot["CapacityMiB"] * 1024**2 / 1000**3) == 480
    assert set(storage) == {s["uri"] for s in cols["server-hardware"]}


def test_fresh_documents_are_equal_and_independent() -> None:
    datacenter = load_datacenter(SimulatorConfig())
    first = datacenter.fresh_documents()
    first[0]["name"] = "changed"
    first[-1].clear()
    assert datacenter.fresh_documents() == datacenter.documents
    assert datacenter.documents[0]["name"] != "changed"


def test_etags_and_timestamps_have_the_formats_of_a_real_appliance(
    cols: dict[str, list[dict]],
) -> None:
    assert cols["server-hardware"][0]["eTag"].isdigit()
    assert re.match(r"^\d+/\d+$", cols["server-profile-templates"][0]["eTag"])
    assert LOWER_UUID.match(cols["ethernet-networks"][0]["eTag"])
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", cols["enclosures"][0]["eTag"])
    for name, members in cols.items():
        created = [d["created"] for d in members if "created" in d]
        assert created == sorted(created), f"{name} is not in creation order"


# -- the generator ---------------------------------------------------------------


@pytest.fixture(scope="module")
def big() -> list[dict]:
    return load_datacenter(SimulatorConfig(servers=10000)).fresh_documents()


def test_generated_datacenter_has_exactly_the_asked_number_of_servers(big: list[dict]) -> None:
    cols = checks.by_collection(big)
    sh = cols["server-hardware"]
    assert len(sh) == 10000
    assert len([s for s in sh if s["locationUri"] is None]) == 500
    assert all(
        len([b for b in e["deviceBays"] if b["deviceUri"]]) <= 12 for e in cols["enclosures"]
    )
    assert len(cols["enclosure-groups"]) > 1
    assert 0 < len(cols["server-profiles"]) < 200


def test_generated_datacenter_is_consistent_and_unique(big: list[dict]) -> None:
    assert checks.dangling_references(big) == []
    assert checks.server_problems(big) == []
    assert checks.fabric_problems(big) == []
    assert checks.duplicates(checks.hardware_macs(big)) == []
    sh = checks.by_collection(big)["server-hardware"]
    assert checks.duplicates([s["uuid"] for s in sh]) == []
    assert checks.duplicates([s["serialNumber"] for s in sh]) == []
    assert checks.duplicates([d["uri"] for d in big]) == []


def test_generator_is_deterministic(big: list[dict]) -> None:
    again = load_datacenter(SimulatorConfig(servers=10000)).fresh_documents()
    assert again == big
    other = load_datacenter(SimulatorConfig(servers=101)).fresh_documents()
    assert len(checks.by_collection(other)["server-hardware"]) == 101


def test_generated_datacenter_keeps_the_seed_files_users(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump({"users": [{"userName": "ops", "password": "pw-1"}]}))
    datacenter = load_datacenter(SimulatorConfig(seed_file=seed, servers=12))
    assert [u["userName"] for u in datacenter.users] == ["ops"]
    assert len(checks.by_collection(datacenter.documents)["server-hardware"]) == 12


def test_zero_servers_is_an_empty_but_valid_datacenter() -> None:
    docs = load_datacenter(SimulatorConfig(servers=0)).documents
    assert "server-hardware" not in checks.by_collection(docs)
    assert checks.dangling_references(docs) == []


# -- errors in seed files ---------------------------------------------------------


DELETE = object()


def _edited(path: tuple, value: object) -> dict:
    """The default seed file with the entry at ``path`` set to ``value`` (or deleted)."""
    raw = yaml.safe_load(DEFAULT_SEED.read_text())
    parent = raw
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return raw


F480 = {"model": "SY 480 Gen10"}
F660 = {"model": "SY 660 Gen10"}


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("networks", 2, "vlan"), DELETE, r"network 'tenant-101'.*'vlan'.*1\.\.4094"),
        (("networks", 0, "type"), "Trunk", r"'type'.*'Trunk'.*Tagged, Untagged, Tunnel"),
        (("enclosures", 0, "bays", 1, "model"), "SY 999", r"bay 1.*'model'.*'SY 999'.*SY 480"),
        (("enclosures", 0, "bays", 11), F480, r"bay 11 is used by .* bays 5 and 11"),
        (("enclosures", 0, "bays", 9), F660, r"bay 9: a full-height"),
        (("enclosures", 0, "group"), "EG-Nope", r"'group' refers to 'EG-Nope'.*EG-Edge, EG-Prod"),
        (("templates", 0, "firmware"), "SY-1999", r"'firmware' refers to 'SY-1999'"),
        (("templates", 0, "connections", 0, "network"), "x", r"'network' refers to 'x'"),
        (("templates", 0, "boot_order"), ["Floppy"], r"'boot_order'.*'Floppy'"),
        (("profiles", 0, "server"), "Frame9, bay 1", r"'server' refers to 'Frame9, bay 1'"),
        (("users", 0, "role"), "root", r"user #1.*'role'.*'root'"),
        (("interconnect_groups", 0, "uplink_sets", 0, "ports"), ["4:Q1"], r"'ports'.*'4:Q1'"),
    ],
)
def test_seed_file_errors_name_entry_field_value_and_what_is_allowed(
    tmp_path: Path, path: tuple, value: object, expected: str
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(_edited(path, value)))
    with pytest.raises(SeedError, match=expected) as error:
        load_datacenter(SimulatorConfig(seed_file=seed))
    assert str(seed) in str(error.value)


def test_unreadable_seed_file_is_named(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("networks: [unclosed")
    with pytest.raises(SeedError, match=r"seed\.yaml: cannot be read as YAML"):
        load_datacenter(SimulatorConfig(seed_file=seed))
