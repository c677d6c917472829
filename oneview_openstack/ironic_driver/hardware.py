"""The ``oneview`` hardware type (entry point group ``ironic.hardware.types``).

It only lists interfaces, in order of preference: Ironic gives a new node the first one
that is enabled. The OneView interfaces come first; Ironic's fake ones are listed after
them because Ironic refuses to start a conductor when an enabled hardware type has, for some
interface family, no implementation that is both enabled and supported (test
configurations enable only ``fake`` boot and deploy).
"""

from ironic.drivers import base, generic
from ironic.drivers.modules import fake, noop_mgmt

from oneview_openstack.ironic_driver import (
    deploy,
    fake_agent,
    inband_inspect,
    inspect,
    management,
    power,
)

_POWER_INTERFACES: tuple[type[base.PowerInterface], ...] = (
    power.OneViewPower,
    fake.FakePower,
)
_MANAGEMENT_INTERFACES: tuple[type[base.ManagementInterface], ...] = (
    management.OneViewManagement,
    fake.FakeManagement,
    noop_mgmt.NoopManagement,
)
_INSPECT_INTERFACES: tuple[type[base.InspectInterface], ...] = (
    inspect.OneViewInspect,
    inband_inspect.OneViewAgentInspect,
)
_EXTRA_BOOT_INTERFACES: tuple[type[base.BootInterface], ...] = (fake.FakeBoot,)
_DEPLOY_INTERFACES: tuple[type[base.DeployInterface], ...] = (
    deploy.OneViewAgentDeploy,
    deploy.OneViewRamdiskDeploy,
)
# oneview-fake-agent is for tests only: it stands in for the agent and writes no image.
_EXTRA_DEPLOY_INTERFACES: tuple[type[base.DeployInterface], ...] = (
    fake.FakeDeploy,
    fake_agent.OneViewFakeAgentDeploy,
)
_EXTRA_INSPECT_INTERFACES: tuple[type[base.InspectInterface], ...] = (fake.FakeInspect,)


class OneViewHardware(generic.GenericHardware):
    """Servers managed by HPE OneView: power, management and inspection through OneView.

    Boot, deploy, network and the other families are Ironic's generic ones (PXE/iPXE boot,
    agent-based deploy, flat or Neutron networking), plus the fake ones for tests.
    """

    @property
    def supported_power_interfaces(self) -> list[type[base.PowerInterface]]:
        return list(_POWER_INTERFACES)

    @property
    def supported_management_interfaces(self) -> list[type[base.ManagementInterface]]:
        return list(_MANAGEMENT_INTERFACES)

    @property
    def supported_boot_interfaces(self) -> list[type[base.BootInterface]]:
        return [*super().supported_boot_interfaces, *_EXTRA_BOOT_INTERFACES]

    @property
    def supported_deploy_interfaces(self) -> list[type[base.DeployInterface]]:
        return [
            *_DEPLOY_INTERFACES,
            *super().supported_deploy_interfaces,
            *_EXTRA_DEPLOY_INTERFACES,
        ]

    @property
    def supported_inspect_interfaces(self) -> list[type[base.InspectInterface]]:
        return [
            *_INSPECT_INTERFACES,
            *super().supported_inspect_interfaces,
            *_EXTRA_INSPECT_INTERFACES,
        ]
