"""The ``oneview`` hardware type (entry point group ``ironic.hardware.types``).

Ironic refuses to start a conductor when an enabled hardware type has, for some interface
family, no implementation that is both enabled and listed in its ``supported_*_interfaces``
(only ``fake-hardware`` is exempt). So every family that test configurations enable with
``fake`` lists Ironic's fake implementation here, after the production ones: the order is
the preference Ironic uses to pick a node's default interface.

To add a OneView interface, put its class first in the matching ``_*_INTERFACES`` tuple.
"""

from ironic.drivers import base, generic
from ironic.drivers.modules import fake, noop_mgmt

_POWER_INTERFACES: tuple[type[base.PowerInterface], ...] = (fake.FakePower,)
_MANAGEMENT_INTERFACES: tuple[type[base.ManagementInterface], ...] = (
    fake.FakeManagement,
    noop_mgmt.NoopManagement,
)
_EXTRA_BOOT_INTERFACES: tuple[type[base.BootInterface], ...] = (fake.FakeBoot,)
_EXTRA_DEPLOY_INTERFACES: tuple[type[base.DeployInterface], ...] = (fake.FakeDeploy,)
_EXTRA_INSPECT_INTERFACES: tuple[type[base.InspectInterface], ...] = (fake.FakeInspect,)


class OneViewHardware(generic.GenericHardware):
    """Servers managed by HPE OneView: power and management through OneView's REST API.

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
        return [*super().supported_deploy_interfaces, *_EXTRA_DEPLOY_INTERFACES]

    @property
    def supported_inspect_interfaces(self) -> list[type[base.InspectInterface]]:
        return [*super().supported_inspect_interfaces, *_EXTRA_INSPECT_INTERFACES]
