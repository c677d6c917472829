"""Base class of the driver's unit tests: Ironic's DbTestCase, [oneview] aimed at the
simulator, nodes enrolled on the seed's servers."""

from __future__ import annotations

from typing import Any

import pytest
from oslo_utils import uuidutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors, profiles
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


def allocate_now(task: Any) -> client.ServerProfile:
    """A profile allocation in one call, as the task poller completes it: start it, wait for
    OneView's task, then finish it, or undo the failed apply and raise OneView's error."""
    node = task.node
    started = profiles.start_allocation(task)
    if isinstance(started, client.ServerProfile):
        return started
    assert not started.data.get("waiting_for"), "the node still has a task running"
    settings = common.parse_driver_info(node)
    with errors.translated(node, "allocating a server profile", settings.connection):
        try:
            finished = common.get_client(settings).tasks.wait(started.task)
        except client.TaskFailed as failure:
            profiles.undo_failed_apply(task, failure.task, started.data, str(failure))
            raise
        profile = profiles.finish_allocation(task, finished, started.data)
    assert isinstance(profile, client.ServerProfile)
    return profile
