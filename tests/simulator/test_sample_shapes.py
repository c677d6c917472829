"""The simulator's documents have the shape of a real appliance's (``samples/``).

Each case fetches a document over HTTP at the API version of the sample (the
version whose ``type`` the sample carries) and compares field names, nesting and
value formats with ``shape_compare``. The allow-list of each case names the
fields whose values legitimately differ, and why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oneview_openstack.testing.simulator import RestSession, SimulatorHandle

from .shape_compare import differences, value_format

# Copies of the real samples (see samples/README.md), kept in the repository.
SAMPLES = Path(__file__).parent / "samples"

pytestmark = pytest.mark.functional

# Why values differ from the samples' (every entry is a deliberate difference):
ENCLOSURE = (
    # The sample frame has a module in every interconnect bay; ours leave bays 1, 2,
    # 4, 5 empty (no SAS or FC modules), so those bays carry nulls.
    "interconnectBays[].interconnectUri",
    "interconnectBays[].interconnectModel",
    "interconnectBays[].partNumber",
    "interconnectBays[].serialNumber",
    # Every sample bay holds something (blade, drive enclosure); ours has empty bays ("").
    "deviceBays[].deviceFormFactor",
    "deviceBays[].coveredByDevice",
    # The samples come from HPE's hardware simulator (DCS), whose fan and power
    # supply part numbers are bare digits; real modules read like "809097-001".
    "fanBays[].partNumber",
    "fanBays[].sparePartNumber",
    "powerSupplyBays[].partNumber",
)
# Seeded profiles were applied before the simulator started: no task of ours did it.
SEEDED_PROFILE = ("taskUri",)


@dataclass(frozen=True)
class Case:
    sample: str
    api_version: int
    fetch: Callable[[RestSession], Any]
    allow: tuple[str, ...] = field(default=())
    same_type: bool = True  # the sample's ``type`` is the one served at ``api_version``

    @property
    def id(self) -> str:
        return self.sample.removesuffix(".json")


def get(rest: RestSession, path: str) -> Any:
    response = rest.call("GET", path)
    assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
    return response.json()


def first(rest: RestSession, collection: str, query: str = "") -> dict[str, Any]:
    members = get(rest, f"/rest/{collection}?{query}")["members"]
    assert members, f"no {collection} matching {query!r}"
    return dict(members[0])


def one(collection: str, query: str = "") -> Callable[[RestSession], Any]:
    return lambda rest: get(rest, first(rest, collection, query)["uri"])


def members(collection: str, query: str = "") -> Callable[[RestSession], Any]:
    return lambda rest: get(rest, f"/rest/{collection}?{query}")["members"]


def available_targets(rest: RestSession) -> Any:
    template = first(rest, "server-profile-templates", "filter=name='SPT-Prod-SY480'")
    return get(
        rest,
        "/rest/server-profiles/available-targets?"
        f"enclosureGroupUri={template['enclosureGroupUri']}"
        f"&serverHardwareTypeUri={template['serverHardwareTypeUri']}",
    )


WITH_PROFILE = "filter=state='ProfileApplied'"
CASES = [
    Case("ServerHardware.json", 300, one("server-hardware", WITH_PROFILE)),
    Case("ServerHardwareList.json", 300, members("server-hardware", "filter=locationUri ne NULL")),
    Case(
        "ServerHardwareTypes.json",
        300,
        one("server-hardware-types", "filter=name='SY 480 Gen10 1'"),
        # Number settings default to digits ("0"), as the sample's own ProcCoreDisable does;
        # the comparison takes the first setting's word ("Com2Irq3") for all of them.
        ("biosSettings[].defaultValue",),
    ),
    Case("Enclosure.json", 300, one("enclosures"), ENCLOSURE),
    Case("Enclosures.json", 300, members("enclosures"), ENCLOSURE),
    Case("EthernetNetworkSet.json", 800, one("ethernet-networks", "filter=name='tenant-101'")),
    Case("NetworkSet.json", 800, one("network-sets")),
    # The template samples say ServerProfileTemplateV2 (API 300) yet have the layout of
    # API >= 500 (connectionSettings): we compare the layout, at 600.
    Case(
        "ServerProfileTemplate.json",
        600,
        one("server-profile-templates", "filter=name='SPT-Prod-SY480'"),
        same_type=False,
    ),
    Case(
        "ServerProfileTemplates.json",
        600,
        members("server-profile-templates", "filter=enclosureGroupUri ne NULL"),
    ),
    Case("ServerProfile.json", 800, one("server-profiles"), SEEDED_PROFILE),
    Case("ServerProfileList.json", 600, members("server-profiles"), SEEDED_PROFILE),
    Case(
        "AvailableTargetsForSPT.json",
        600,
        available_targets,
        # Computed on request, so it has no stored timestamps (the sample has some).
        ("eTag", "created", "modified"),
    ),
    Case("ApplianceNodeInfo.json", 800, lambda r: get(r, "/rest/appliance/nodeinfo/version")),
    Case("ApplianceHealthStatus.json", 800, lambda r: get(r, "/rest/appliance/health-status")),
]  # fmt: skip


@pytest.fixture(scope="module")
def shapes_sim(simulator: SimulatorHandle) -> SimulatorHandle:
    simulator.operator.reset()
    return simulator


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_document_has_the_shape_of_the_real_sample(shapes_sim: SimulatorHandle, case: Case) -> None:
    sample = json.loads((SAMPLES / case.sample).read_text())
    ours = case.fetch(shapes_sim.rest(api_version=case.api_version))
    if isinstance(sample, list):
        assert isinstance(ours, list) and ours, f"{case.sample}: the simulator listed nothing"
    problems = differences(sample, ours, case.allow)
    assert problems == [], f"{case.sample} vs the simulator:\n" + "\n".join(problems)


def test_types_match_the_samples_at_their_api_version(shapes_sim: SimulatorHandle) -> None:
    for case in CASES:
        sample = json.loads((SAMPLES / case.sample).read_text())
        if not isinstance(sample, dict) or not case.same_type or "type" not in sample:
            continue
        ours = case.fetch(shapes_sim.rest(api_version=case.api_version))
        assert ours["type"] == sample["type"], case.sample


def test_comparison_catches_missing_fields_and_other_formats() -> None:
    sample = {"uri": "/rest/x/1", "eTag": "1504511998556", "ports": [{"mac": "02:23:13:25:23:0A"}]}
    assert differences(sample, dict(sample)) == []
    assert differences(sample, {**sample, "eTag": "b8c7a0e4-0d7e-4bde-9b1d-0b9d7fdb2c11"}) == [
        "eTag: digits in the sample ('1504511998556'), uuid-lower here "
        "('b8c7a0e4-0d7e-4bde-9b1d-0b9d7fdb2c11')"
    ]
    assert differences(sample, {"uri": "/rest/x/1", "eTag": "1", "ports": [{"mac": "x"}]}) == [
        "ports[].mac: mac in the sample ('02:23:13:25:23:0A'), word here ('x')"
    ]
    assert differences(sample, {"eTag": "2", "ports": []}) == ["uri: missing (sample: '/rest/x/1')"]
    assert differences(sample, {**sample, "eTag": None}, ("eTag",)) == []
    assert value_format("2018-05-11T13:40:37.049Z") == "timestamp"
