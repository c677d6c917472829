"""Ironic's own unit-test base classes (``DbTestCase`` and friends) for this project's tests.

Use :class:`OneViewDbTestCase` instead of ``ironic.tests.unit.db.base.DbTestCase``::

    from ironic.conductor import task_manager

    from ..ironic_unit import OneViewDbTestCase

    class PowerTestCase(OneViewDbTestCase):
        def test_power_on(self):
            node = self.create_node(driver_info={'server_hardware_uri': '/rest/...'})
            with task_manager.acquire(self.context, node.uuid) as task:
                ...

Each test gets an in-memory sqlite database with Ironic's schema, an admin ``self.context``,
``self.config(**opts)`` for oslo.config overrides, and Ironic's fake interfaces enabled. The
``oneview`` hardware type and every interface this project registers are enabled, too.

Importing this module does the three things Ironic's base needs outside Ironic's tree, so
import it before any other Ironic module: ``tests/ironic_driver/conftest.py`` does.

1. ``ironic.tests.unit`` selects oslo.service's *threading* backend. Any import of
   ``ironic.conductor`` (our driver modules import it) selects *eventlet* first, after which
   ``BackendAlreadySelected`` is raised.
2. Every driver module of this project is imported now, at collection time: Ironic's
   ``TestCase`` replaces ``subprocess.Popen`` while a test runs, and the first import of
   ``ironic.conductor`` runs ``ldconfig`` (zeroconf → ifaddr → ``ctypes.util.find_library``),
   which would fail as ``DriverLoadError`` inside a test.
3. pytest ≥ 8 deletes the test-method attribute after a test, after Ironic's ``_clear_attrs``
   cleanup already deleted it: :class:`OneViewDbTestCase` makes ``_clear_attrs`` a no-op.

Side effects of (1), for the whole test process: oslo.log is set up on the global
``cfg.CONF``, Ironic's objects are registered, and libraries of other vendors' drivers that
are not installed (``redfish``, ...) are replaced by mocks in ``sys.modules``. Ironic's
``TestCase`` also arms ``signal.alarm`` for 60 s per test (env ``BASE_TEST_TIMEOUT``),
which replaces pytest-timeout's alarm for that test.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import ironic.tests.unit  # noqa: F401  (1) threading backend; must come first
from ironic.conf import CONF
from ironic.tests.unit.db import base as db_base
from ironic.tests.unit.objects import utils as obj_utils

from oneview_openstack.testing.ironic_service import INTERFACE_FAMILIES, project_interfaces

HARDWARE_TYPE = "oneview"
_OWN_PACKAGE = "oneview_openstack."


def load_project_drivers() -> list[str]:
    """Import every Ironic hardware type and interface this project registers; their names."""
    groups = ["ironic.hardware.types"]
    groups += [f"ironic.hardware.interfaces.{family}" for family in INTERFACE_FAMILIES]
    loaded = []
    for group in groups:
        for entry_point in importlib.metadata.entry_points(group=group):
            if entry_point.value.startswith(_OWN_PACKAGE):
                entry_point.load()
                loaded.append(f"{group}:{entry_point.name}")
    return loaded


LOADED_DRIVERS = load_project_drivers()  # (2)


class OneViewDbTestCase(db_base.DbTestCase):
    """``DbTestCase`` with the ``oneview`` hardware type and this project's interfaces enabled."""

    def setUp(self) -> None:
        super().setUp()
        self.config(enabled_hardware_types=[HARDWARE_TYPE, *CONF.enabled_hardware_types])
        for family in INTERFACE_FAMILIES:
            option = f"enabled_{family}_interfaces"
            enabled = list(getattr(CONF, option))
            own = [name for name in project_interfaces(family) if name not in enabled]
            self.config(**{option: own + enabled})

    def _clear_attrs(self) -> None:
        """(3) Keep the attributes: pytest removes the test method itself afterwards."""

    def create_node(self, **fields: Any) -> Any:
        """A node with driver ``oneview`` in the test database (``fields`` override)."""
        fields.setdefault("driver", HARDWARE_TYPE)
        return obj_utils.create_test_node(self.context, **fields)
