"""The configuration file, read once: defaults, and errors naming the option."""

from __future__ import annotations

from pathlib import Path

import pytest
from oslo_config import cfg

from oneview_openstack.conf import daemon as daemon_conf
from oneview_openstack.daemon import settings


def read(tmp_path: Path, text: str) -> settings.Settings:
    path = tmp_path / "ironic-oneviewd.conf"
    path.write_text(text)
    conf = cfg.ConfigOpts()
    daemon_conf.register_opts(conf)
    conf(["--config-file", str(path)], project="ironic-oneviewd")
    return settings.read(conf)


MINIMAL = "[daemon]\ntemplates = SPT-A, SPT-B\n[oneview]\nmanager_url = ov.example\n"


def test_minimal_file_and_defaults(tmp_path: Path) -> None:
    chosen = read(tmp_path, MINIMAL)

    assert chosen.templates == ("SPT-A", "SPT-B")
    assert (chosen.interval, chosen.inspect, chosen.backend_url) == (60.0, False, None)
    assert chosen.node_options.physical_network is None


def test_node_options(tmp_path: Path) -> None:
    options = "physical_network = physnet1\ninterfaces = deploy:oneview-direct,boot:pxe\n"
    chosen = read(tmp_path, MINIMAL.replace("[oneview]", options + "[oneview]"))

    assert chosen.node_options.physical_network == "physnet1"
    assert dict(chosen.node_options.interfaces) == {"deploy": "oneview-direct", "boot": "pxe"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[oneview]\nmanager_url = ov\n", "[daemon] templates"),
        ("[daemon]\ntemplates = SPT-A\n", "[oneview] manager_url"),
        (MINIMAL.replace("[oneview]", "interfaces = warp:drive\n[oneview]"), "warp"),
        (
            MINIMAL.replace("[oneview]", "retry_backoff = 100\nretry_backoff_max = 10\n[oneview]"),
            "retry_backoff_max",
        ),
    ],
)
def test_errors_name_the_option(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(settings.SettingsError, match=named.replace("[", r"\[").replace("]", r"\]")):
        read(tmp_path, text)
