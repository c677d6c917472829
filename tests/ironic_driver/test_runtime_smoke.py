"""The runtime foundation: a real Ironic loads the ``oneview`` hardware type from our entry
point, and Ironic's unit-test base works from this project's tests."""

import configparser

import pytest
from ironic.common import driver_factory, exception
from ironic.conductor import task_manager

from oneview_openstack.ironic_driver.hardware import OneViewHardware
from oneview_openstack.testing.ironic_nodes import move_node
from oneview_openstack.testing.ironic_service import IronicService, project_interfaces
from oneview_openstack.testing.service_process import ServiceStartError

from .ironic_unit import OneViewDbTestCase


@pytest.mark.functional
def test_real_ironic_lists_the_oneview_driver(baremetal) -> None:
    drivers = {driver.name: driver for driver in baremetal.drivers()}

    assert {"oneview", "fake-hardware"} <= set(drivers)
    assert drivers["oneview"].hosts == ["oneview-test-conductor"]


@pytest.mark.functional
def test_real_ironic_enrolls_a_oneview_node_with_real_interfaces(baremetal) -> None:
    node = baremetal.create_node(
        driver='oneview', name='smoke-1',
        properties={'cpus': 2, 'memory_mb': 4096, 'local_gb': 20, 'cpu_arch': 'x86_64'},
    )  # fmt: skip

    assert node.provision_state == "enroll"
    assert node.power_interface == "oneview"
    assert node.management_interface == "oneview"
    assert node.deploy_interface == "oneview-direct"
    assert node.boot_interface in ("ipxe", "pxe")


@pytest.mark.functional
@pytest.mark.parametrize("family", ["power", "management", "boot", "deploy", "inspect"])
def test_the_oneview_type_refuses_ironics_fake_interfaces(baremetal, family) -> None:
    from openstack import exceptions

    with pytest.raises(exceptions.BadRequestException, match="not supported by hardware type"):
        baremetal.create_node(
            driver="oneview", name="smoke-fake", **{f"{family}_interface": "fake"}
        )


@pytest.mark.functional
def test_reset_deletes_even_a_deployed_protected_node(ironic: IronicService) -> None:
    baremetal = ironic.connection().baremetal
    node = baremetal.create_node(driver="fake-hardware", name="smoke-reset")
    baremetal.create_port(node_uuid=node.id, address="52:54:00:aa:bb:01")
    for verb in ("manage", "provide", "active"):
        move_node(baremetal, node.id, verb)
    baremetal.update_node(node.id, is_protected=True)

    ironic.reset()

    assert list(baremetal.nodes()) == []
    assert list(baremetal.ports()) == []


@pytest.mark.functional
def test_unknown_interface_is_refused_by_the_real_api(baremetal) -> None:
    from openstack import exceptions

    with pytest.raises(exceptions.BadRequestException, match="direct"):
        baremetal.create_node(driver="oneview", name="smoke-2", deploy_interface="direct")


@pytest.mark.functional
def test_start_fails_with_the_log_when_a_hardware_type_cannot_register(tmp_path) -> None:
    # manual-management supports no deploy interface among the enabled ones (fake, oneview-*)
    service = IronicService(tmp_path, hardware_types=["oneview", "manual-management"])

    with pytest.raises(ServiceStartError, match="Failed to register hardware types") as caught:
        service.start()

    assert "hardware type 'manual-management'" in str(caught.value)
    assert str(service.log_path) in str(caught.value)


def test_unregistered_hardware_type_is_refused_before_starting(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"\['oneview-typo'\] not registered"):
        IronicService(tmp_path, hardware_types=["oneview-typo"])


def test_config_carries_oneview_options_periodic_intervals_and_extra_sections(tmp_path) -> None:
    service = IronicService(
        tmp_path,
        oneview={"manager_url": "https://127.0.0.1:8443", "allow_insecure_connections": False},
        conductor={"sync_power_state_interval": 2},
        sections={"neutron": {"auth_type": "none"}},
        interfaces={"deploy": ["fake", "direct"]},
    )

    config = configparser.ConfigParser(interpolation=None)
    config.read(service.write_config())

    assert config["oneview"]["manager_url"] == "https://127.0.0.1:8443"
    assert config["oneview"]["allow_insecure_connections"] == "false"
    assert config["conductor"]["sync_power_state_interval"] == "2"
    assert config["conductor"]["graceful_shutdown_timeout"] == "1"
    assert config["neutron"]["auth_type"] == "none"
    own_deploy = project_interfaces("deploy")
    assert config["DEFAULT"]["enabled_deploy_interfaces"] == ",".join(
        [*own_deploy, "fake", "direct"]
    )
    assert config["DEFAULT"]["enabled_hardware_types"] == "oneview,fake-hardware"
    assert config["api"]["port"] == str(service.port)


class OneViewNodeInIronicTestDbTestCase(OneViewDbTestCase):
    def test_oneview_node_runs_with_the_oneview_hardware_type(self) -> None:
        node = self.create_node(boot_interface="pxe", deploy_interface="oneview-direct")

        driver_factory.check_and_update_node_interfaces(node)
        node.save()

        assert isinstance(driver_factory.get_hardware_type("oneview"), OneViewHardware)
        with task_manager.acquire(self.context, node.uuid) as task:
            assert task.driver.power.__class__.__name__ == "OneViewPower"
            assert task.driver.deploy.__class__.__name__ == "OneViewAgentDeploy"

    def test_a_oneview_node_cannot_have_a_fake_interface(self) -> None:
        node = self.create_node(power_interface="fake")

        with pytest.raises(exception.IncompatibleInterface):
            driver_factory.check_and_update_node_interfaces(node)
