"""``doc/operator-setup.md`` is what the test cloud's configs render now, and shows no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneview_openstack.testing import setup_doc
from oneview_openstack.testing.service_process import LOOPBACK
from oneview_openstack.testing.simulator import ADMIN_PASSWORD, READONLY_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / setup_doc.PAGE


@pytest.fixture(scope="module")
def rendered() -> str:
    return setup_doc.render()


def test_page_is_what_the_test_cloud_renders(rendered: str) -> None:
    assert PAGE.read_text() == rendered, (
        f"{setup_doc.PAGE} is out of date with the test cloud's configs: run "
        f"{setup_doc.REGENERATE} from the repository's root"
    )


def test_page_shows_the_oneview_options_the_services_read(rendered: str) -> None:
    for line in (
        "mechanism_drivers = oneview",
        "uplinkset_mappings = physnet1:LIG-Prod:US-Tenants,physnet1:LIG-Edge:US-Edge-Tenants",
        "enabled_hardware_types = oneview",
        "enabled_deploy_interfaces = oneview-direct,oneview-ramdisk",
        "manager_url = https://oneview.example.com",
        "compute_driver = ironic.IronicDriver",
        "interfaces = boot:pxe,deploy:oneview-direct,network:neutron,power:oneview,"
        "management:oneview",
        "export OV_AUTH_URL='https://oneview.example.com'",
    ):
        assert line in rendered.splitlines(), line


def test_test_only_values_are_marked_not_advised(rendered: str) -> None:
    lines = rendered.splitlines()
    # a short periodic interval is shown commented out, under why
    index = lines.index("#periodic_check_interval = 2")
    assert lines[index - 2].startswith("# Test cloud only, leave it unset")
    # no Keystone in the test cloud: production gets a Keystone user
    assert "auth_type = none" not in lines
    assert "enabled_boot_interfaces = pxe,ipxe" in lines


def test_page_has_no_secret_and_no_loopback_endpoint(rendered: str) -> None:
    assert ADMIN_PASSWORD not in rendered
    assert READONLY_PASSWORD not in rendered
    assert "password = <password of the OneView user>" in rendered.splitlines()
    for line in rendered.splitlines():
        if not line.startswith("#"):
            assert f"{LOOPBACK}:" not in line, line


def test_check_reports_a_stale_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "operator-setup.md"
    page.write_text("an old page\n")

    assert setup_doc.main(["--check", str(page)]) == 1
    err = capsys.readouterr().err
    assert "-an old page" in err
    assert f"is out of date: run {setup_doc.REGENERATE}" in err

    page.write_text(setup_doc.render())
    assert setup_doc.main(["--check", str(page)]) == 0


def test_an_option_the_test_cloud_no_longer_sets_fails_naming_it() -> None:
    configs = {"ironic.conf": {"oneview": {"manager_url": "https://oneview.example.com"}}}
    files = {"ironic.conf": (setup_doc.Section("oneview", (setup_doc.Option("task_timeout"),)),)}

    with pytest.raises(setup_doc.SetupDocError, match=r"ironic.conf \[oneview\] task_timeout"):
        setup_doc.render_file("ironic.conf", configs, files)


def test_a_loopback_value_without_production_value_fails() -> None:
    configs = {"nova.conf": {"ironic": {"endpoint_override": f"http://{LOOPBACK}:6385"}}}
    files = {"nova.conf": (setup_doc.Section("ironic", (setup_doc.Option("endpoint_override"),)),)}

    with pytest.raises(setup_doc.SetupDocError, match="give it a production value"):
        setup_doc.render_file("nova.conf", configs, files)


def test_an_unknown_block_in_the_template_fails() -> None:
    with pytest.raises(setup_doc.SetupDocError, match="no generated block 'keystone.conf'"):
        setup_doc.render("# page\n{{keystone.conf}}\n")
