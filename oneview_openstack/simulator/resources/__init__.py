"""One module per resource family; each exposes a ``bp`` Blueprint."""

from __future__ import annotations

from oneview_openstack.simulator.router import Blueprint


def blueprints() -> list[Blueprint]:
    from oneview_openstack.simulator import openapi, operator
    from oneview_openstack.simulator.agents import operator as agents_operator
    from oneview_openstack.simulator.resources import (
        activity,
        appliance_info,
        connection_templates,
        controller_state,
        enclosures,
        fc_networks,
        firmware,
        hardware_types,
        id_pool_ranges,
        index_search,
        interconnect_groups,
        interconnect_types,
        interconnects,
        labels,
        logical_enclosures,
        login,
        network_sets,
        networks,
        power,
        profile_actions,
        profile_apply,
        profile_helpers,
        profiles,
        scopes,
        server_hardware,
        server_hardware_more,
        tasks,
        templates,
        uplink_sets,
        users,
    )

    return [
        appliance_info.bp,
        controller_state.bp,
        login.bp,
        users.bp,
        tasks.bp,
        server_hardware.bp,
        server_hardware_more.bp,
        hardware_types.bp,
        enclosures.bp,
        firmware.bp,
        templates.bp,
        profiles.bp,
        profile_actions.bp,
        profile_apply.bp,
        profile_helpers.bp,
        power.bp,
        networks.bp,
        network_sets.bp,
        connection_templates.bp,
        interconnect_groups.bp,
        interconnects.bp,
        uplink_sets.bp,
        fc_networks.bp,
        interconnect_types.bp,
        logical_enclosures.bp,
        id_pool_ranges.bp,
        activity.bp,
        scopes.bp,
        labels.bp,
        index_search.bp,
        operator.bp,
        agents_operator.bp,
        openapi.bp,
    ]
