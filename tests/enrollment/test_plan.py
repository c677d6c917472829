"""Per server, what enrollment decides from what OneView shows and what Ironic has."""

from __future__ import annotations

from typing import Any

import pytest

from oneview_openstack import client
from oneview_openstack.enrollment import Action, EnrollmentError, NodeOptions, Selection, plan
from oneview_openstack.enrollment.ironic import IronicNodes, OneViewNode

from . import seed

SAP = "Frame2, bay 4"  # carries a OneView user's profile in the seed
NONE = IronicNodes(nodes=(), port_owner={})


def decisions(ironic: IronicNodes = NONE, **selection: Any) -> dict[str, Any]:
    steps = plan(seed.catalog(), ironic, Selection(**selection), NodeOptions())
    return {step.server_name: step for step in steps}


def enrolled(name: str, macs: frozenset[str] | None = None, traits: bool = True) -> OneViewNode:
    server = seed.named("server-hardware", name)
    ports = plan(seed.catalog(), NONE, Selection(servers=(name,)), NodeOptions())
    all_macs = frozenset(p.address for p in _ports(name)) if macs is None else macs
    assert ports
    return OneViewNode(
        uuid=server["uuid"].lower(),
        name="n-" + name,
        server_uri=server["uri"].lower(),
        template_id=None,
        provision_state="available",
        maintenance=False,
        maintenance_reason=None,
        applied_profile_uri=None,
        resource_class="x",
        properties={},
        traits=frozenset({"CUSTOM_OV_EG_EG_PROD"} if traits else set()),
        instance_uuid=None,
        last_error=None,
        port_macs=all_macs,
    )


def _ports(name: str) -> list[Any]:
    from oneview_openstack.enrollment.spec import port_specs

    return list(
        port_specs(
            seed.server(name),
            seed.bundle().template,
            interconnects=seed.interconnects(),
            options=NodeOptions(),
        )
    )


def test_free_servers_are_created_and_a_oneview_users_server_is_skipped() -> None:
    found = decisions()
    assert found[SAP].action is Action.SKIP
    assert "in use by a OneView user" in found[SAP].reason
    assert found[SAP].server.server_profile_uri in found[SAP].reason
    assert [n for n, s in found.items() if s.action is Action.CREATE] == [
        n for n in found if n != SAP
    ]


@pytest.mark.parametrize("state", ["Monitored", "Unmanaged", "Unsupported", "Removing"])
def test_servers_oneview_does_not_manage_are_skipped(state: str) -> None:
    catalog = seed.catalog()
    changed = tuple(
        client.ServerHardware({**s.data, "state": state}) if s.name == "Frame1, bay 1" else s
        for s in catalog.servers
    )
    steps = plan(
        type(catalog)(catalog.bundle, changed, catalog.interconnects),
        NONE,
        Selection(),
        NodeOptions(),
    )
    step = next(s for s in steps if s.server_name == "Frame1, bay 1")
    assert step.action is Action.SKIP and state in step.reason


def test_a_server_whose_mac_is_another_nodes_port_is_skipped() -> None:
    mac = _ports("Frame1, bay 1")[1].address
    found = decisions(IronicNodes(nodes=(), port_owner={mac: "other-node"}))
    assert found["Frame1, bay 1"].action is Action.SKIP
    assert "other-node" in found["Frame1, bay 1"].reason and mac in found["Frame1, bay 1"].reason


def test_complete_node_is_enrolled_half_done_node_is_repaired() -> None:
    complete = enrolled("Frame1, bay 1")
    first_mac = _ports("Frame1, bay 2")[0].address
    no_ports = enrolled("Frame1, bay 2", macs=frozenset({first_mac}))
    no_traits = enrolled("Frame1, bay 3", traits=False)
    found = decisions(IronicNodes(nodes=(complete, no_ports, no_traits), port_owner={}))

    assert found["Frame1, bay 1"].action is Action.ENROLLED
    repair = found["Frame1, bay 2"]
    assert repair.action is Action.REPAIR and not repair.missing_traits
    assert [p.oneview_port_id for p in repair.missing_ports] == ["Mezz 3:2-a"]
    assert found["Frame1, bay 3"].action is Action.REPAIR
    assert found["Frame1, bay 3"].missing_traits and not found["Frame1, bay 3"].missing_ports


def test_an_enrolled_server_a_user_took_since_is_still_reported_enrolled() -> None:
    assert decisions(IronicNodes(nodes=(enrolled(SAP),), port_owner={}))[SAP].action is (
        Action.ENROLLED
    )


def test_limit_counts_creations_only_in_name_order() -> None:
    found = decisions(IronicNodes(nodes=(enrolled("Frame1, bay 1"),), port_owner={}), limit=2)
    assert [n for n, s in found.items() if s.action is Action.CREATE] == [
        "Frame1, bay 2",
        "Frame1, bay 3",
    ]
    assert found["Frame1, bay 1"].action is Action.ENROLLED


def test_servers_chosen_by_name_id_or_uri() -> None:
    server = seed.named("server-hardware", "Frame1, bay 8")
    for ref in ("Frame1, bay 8", server["uri"], server["uri"].rsplit("/", 1)[1].lower()):
        assert list(decisions(servers=(ref,))) == ["Frame1, bay 8"]


def test_a_server_the_template_does_not_fit_is_an_error_naming_it() -> None:
    with pytest.raises(EnrollmentError, match="'Frame3, bay 1' is not one of the 10 servers"):
        decisions(servers=("Frame3, bay 1",))


def test_limit_below_one_is_refused() -> None:
    with pytest.raises(EnrollmentError, match="limit 0"):
        Selection(limit=0)
