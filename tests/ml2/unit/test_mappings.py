"""The mapping options: the shapes accepted, and errors naming the option and the entry."""

from __future__ import annotations

import pytest
from oslo_config import cfg

from oneview_openstack.conf import ml2 as ml2_conf
from oneview_openstack.ml2.mappings import (
    FlatMapping,
    MappingError,
    UplinkSetMapping,
    parse_flat_net_mappings,
    parse_uplinkset_mappings,
)


def test_uplinkset_mappings_several_entries_and_groups() -> None:
    parsed = parse_uplinkset_mappings(["physnet1:LIG-Prod:US-Tenants, physnet2:lig-id:US-B"])

    assert parsed == [
        UplinkSetMapping("physnet1", "LIG-Prod", "US-Tenants"),
        UplinkSetMapping("physnet2", "lig-id", "US-B"),
    ]


def test_networking_oneview_form_with_several_pairs_per_entry() -> None:
    parsed = parse_uplinkset_mappings(["physnet1:lig1:us1:lig2:us2"])

    assert parsed == [
        UplinkSetMapping("physnet1", "lig1", "us1"),
        UplinkSetMapping("physnet1", "lig2", "us2"),
    ]


def test_duplicates_are_kept_once() -> None:
    assert len(parse_uplinkset_mappings(["p:l:u", "p:l:u"])) == 1


@pytest.mark.parametrize("entry", ["physnet1:LIG", "physnet1:LIG:US:extra", "physnet1::US", ":L:U"])
def test_malformed_uplinkset_mapping_names_the_entry_and_the_format(entry: str) -> None:
    with pytest.raises(MappingError) as error:
        parse_uplinkset_mappings([entry])

    message = str(error.value)
    assert message.startswith("uplinkset_mappings:") and repr(entry) in message
    assert "<logical interconnect group>" in message


def test_flat_net_mappings() -> None:
    assert parse_flat_net_mappings(["physnet1:deploy,physnet2:abc-123"]) == [
        FlatMapping("physnet1", "deploy"),
        FlatMapping("physnet2", "abc-123"),
    ]


@pytest.mark.parametrize("entry", ["physnet1", "physnet1:", ":deploy", "physnet1:a:b"])
def test_malformed_flat_mapping(entry: str) -> None:
    with pytest.raises(MappingError, match=r"flat_net_mappings: .* is not"):
        parse_flat_net_mappings([entry])


def test_a_physical_network_maps_one_flat_network() -> None:
    with pytest.raises(MappingError, match="mapped twice"):
        parse_flat_net_mappings(["physnet1:a", "physnet1:b"])


def test_networking_oneview_config_file_is_read_from_default(tmp_path) -> None:
    """Its ml2_conf_oneview.ini has the keys in [DEFAULT] and the host as oneview_host."""
    ini = tmp_path / "ml2_conf_oneview.ini"
    ini.write_text(
        "[DEFAULT]\n"
        "uplinkset_mappings = physnet1:lig-uuid:US-Tenants\n"
        "flat_net_mappings = physnet1:net-uuid\n"
        "sync_interval = 3600\n"
        "force_sync_delete_ops = true\n"
        "[oneview]\n"
        "oneview_host = 10.0.0.5\n"
        "username = admin\n"
        "password = secret\n"
        "allow_insecure_connections = true\n"
    )
    conf = cfg.ConfigOpts()
    ml2_conf.register_opts(conf)

    conf(["--config-file", str(ini)], project="neutron")

    options = conf[ml2_conf.GROUP]
    assert options.uplinkset_mappings == ["physnet1:lig-uuid:US-Tenants"]
    assert options.flat_net_mappings == ["physnet1:net-uuid"]
    assert (options.sync_interval, options.force_sync_delete_ops) == (3600, True)
    assert conf.oneview.manager_url == "10.0.0.5"
    assert conf.oneview.allow_insecure_connections is True


def test_new_section_wins_over_default(tmp_path) -> None:
    ini = tmp_path / "ml2.ini"
    ini.write_text("[ml2_oneview]\nsync_interval = 60\n")
    conf = cfg.ConfigOpts()
    ml2_conf.register_opts(conf)

    conf(["--config-file", str(ini)], project="neutron")

    assert conf.ml2_oneview.sync_interval == 60
    assert conf.ml2_oneview.force_sync_delete_ops is False  # orphans are kept by default
