"""The [oneview] options: registered on a ConfigOpts, listed for oslo-config-generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from oslo_config import cfg

from oneview_openstack import conf
from oneview_openstack.conf import opts

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL_NAMES = {
    "manager_url", "username", "password", "allow_insecure_connections", "tls_cacert_file",
    "enable_periodic_tasks", "periodic_check_interval",
}  # fmt: skip


def test_the_original_option_names_are_kept() -> None:
    (group, options), *_ = opts.list_opts()

    assert group == "oneview"
    assert {option.name for option in options} >= ORIGINAL_NAMES


def test_registered_options_read_an_original_section(tmp_path: Path) -> None:
    config_file = tmp_path / "ironic.conf"
    config_file.write_text(
        "[oneview]\nmanager_url = https://ov.example\nusername = admin\npassword = pw\n"
        "allow_insecure_connections = true\nperiodic_check_interval = 60\n"
    )
    config = cfg.ConfigOpts()
    conf.register_opts(config)
    conf.register_opts(config)  # idempotent

    config(["--config-file", str(config_file)])

    assert config.oneview.manager_url == "https://ov.example"
    assert config.oneview.allow_insecure_connections is True
    assert config.oneview.periodic_check_interval == 60
    assert config.oneview.tls_cacert_file is None
    assert config.oneview.request_timeout == 60
    assert config.oneview.soft_power_off_fallback is False


def test_the_password_is_secret() -> None:
    (_, options), *_ = opts.list_opts()

    assert {option.name for option in options if option.secret} == {"password"}


def test_the_generator_writes_a_sample_with_every_option(tmp_path: Path) -> None:
    sample = tmp_path / "oneview.conf.sample"
    generator = Path(sys.executable).with_name("oslo-config-generator")

    subprocess.run(
        [str(generator), "--config-file", str(ROOT / "tools/config/oneview-ironic.conf"),
         "--output-file", str(sample)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip

    text = sample.read_text()
    assert "[oneview]" in text
    (_, options), *_ = opts.list_opts()
    for option in options:
        assert f"\n#{option.name} = " in text, option.name
    assert "#periodic_check_interval = 300" in text
    assert text == (ROOT / "etc/ironic/oneview.conf.sample").read_text(), (
        "etc/ironic/oneview.conf.sample is out of date: run "
        "oslo-config-generator --config-file tools/config/oneview-ironic.conf"
    )


def test_the_generator_writes_the_ml2_sample_with_every_option(tmp_path: Path) -> None:
    sample = tmp_path / "ml2_conf_oneview.ini.sample"
    generator = Path(sys.executable).with_name("oslo-config-generator")

    subprocess.run(
        [str(generator), "--config-file", str(ROOT / "tools/config/oneview-ml2.conf"),
         "--output-file", str(sample)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip

    text = sample.read_text()
    for group, options in opts.list_ml2_opts():
        assert f"[{group}]" in text, group
        for option in options:
            assert f"\n#{option.name} =" in text, option.name
    assert "# Deprecated group/name - [oneview]/oneview_host" in text
    assert text == (ROOT / "etc/neutron/plugins/ml2/ml2_conf_oneview.ini.sample").read_text(), (
        "etc/neutron/plugins/ml2/ml2_conf_oneview.ini.sample is out of date: run "
        "oslo-config-generator --config-file tools/config/oneview-ml2.conf"
    )


def test_the_generator_writes_the_daemon_sample_with_every_option(tmp_path: Path) -> None:
    sample = tmp_path / "ironic-oneviewd.conf.sample"
    generator = Path(sys.executable).with_name("oslo-config-generator")

    subprocess.run(
        [str(generator), "--config-file", str(ROOT / "tools/config/ironic-oneviewd.conf"),
         "--output-file", str(sample)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip

    text = sample.read_text()
    for group, options in opts.list_daemon_opts():
        assert f"[{group}]" in text, group
        for option in options:
            assert f"\n#{option.dest} =" in text, f"[{group}] {option.dest}"
    assert "#listen_port = 9469" in text
    assert text == (ROOT / "etc/ironic-oneviewd/ironic-oneviewd.conf.sample").read_text(), (
        "etc/ironic-oneviewd/ironic-oneviewd.conf.sample is out of date: run "
        "oslo-config-generator --config-file tools/config/ironic-oneviewd.conf"
    )
