"""Base class of the driver's unit tests: Ironic's DbTestCase, [oneview] aimed at the
simulator, nodes enrolled on the seed's servers."""

from __future__ import annotations

from typing import Any

import pytest
from oslo_utils import uuidutils

from oneview_openstack.testing.simulator import SimulatorHandle

from .. import oneview_seed
from ..ironic_unit import OneViewDbTestCase
from ..oneview_seed import SeedUris


@pytest.mark.usefixtures("bind_simulator")
class OneViewTestCase(OneViewDbTestCase):
    """A test with a database, the ``oneview`` interfaces and a reset simulator."""

    sim: SimulatorHandle
    seed: SeedUris

    def setUp(self) -> None:
        super().setUp()
        self.config(
            group="oneview",
            manager_url=self.sim.url,
            username=self.sim.username,
            password=self.sim.password,
            tls_cacert_file=self.sim.ca_file,
            request_retries=1,
        )

    def create_oneview_node(
        self,
        server: str = oneview_seed.BLADE,
        template: str | None = oneview_seed.TEMPLATE,
        **fields: Any,
    ) -> Any:
        """A node with the oneview interfaces on the seed's *server* (and *template*)."""
        info = {"server_hardware_uri": self.seed.server(server)}
        if template is not None:
            info["server_profile_template_uri"] = self.seed.template(template)
        info.update(fields.pop("driver_info", {}))
        fields.setdefault("power_interface", "oneview")
        fields.setdefault("management_interface", "oneview")
        fields.setdefault("inspect_interface", "oneview")
        fields.setdefault("properties", {})
        fields.setdefault("uuid", uuidutils.generate_uuid())
        return self.create_node(driver_info=info, **fields)
