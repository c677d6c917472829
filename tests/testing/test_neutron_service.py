"""The Neutron harness on MariaDB: the real migrations (this project's branch too), and
concurrent clients; on sqlite, this project's table and branch stamp; the config options."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService

pytestmark = pytest.mark.functional

NETWORKS = 40
THREADS = 8
OWN_TABLE = "ml2_oneview_networks"
OWN_VERSION_TABLE = "alembic_version_oneview_openstack"
OWN_HEAD = "3d9fe6d95f39"


def _create_networks(neutron: NeutronService, names: list[str], threads: int) -> list[str]:
    """Create a project (vlan) network per name from ``threads`` threads; the errors."""
    local = threading.local()

    def create(name: str) -> str | None:
        if not hasattr(local, "connection"):
            local.connection = neutron.connection()  # one per thread
        try:
            local.connection.network.create_network(name=name)
        except Exception as error:  # every failure is reported
            return f"{name}: {error!r}"
        return None

    with ThreadPoolExecutor(threads) as pool:
        return [error for error in pool.map(create, names) if error]


def _own_schema_differences(url: str) -> list[object]:
    """What alembic's autogenerate sees between the database and this project's models."""
    import sqlalchemy
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from neutron_lib.db import model_base

    from oneview_openstack.ml2.db import models  # noqa: F401 - registers the table

    def own(obj: object, name: str | None, type_: str, reflected: bool, compare: object) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or getattr(table, "name", None) == OWN_TABLE

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": own, "compare_type": True}
            )
            return list(compare_metadata(context, model_base.BASEV2.metadata))
    finally:
        engine.dispose()


def test_neutron_on_mariadb_migrates_and_takes_concurrent_writers(tmp_path: Path) -> None:
    names = [f"net-{index:02d}" for index in range(NETWORKS)]
    with MariaDBServer(tmp_path / "mariadb") as mariadb:
        url = mariadb.create_database("neutron")
        # Neutron's own test driver: this checks the harness, not the OneView driver
        with NeutronService(
            tmp_path / "neutron", database_url=url, mechanism_drivers=["logger"]
        ) as neutron:
            errors = _create_networks(neutron, names, THREADS)
            listed = {net.name for net in neutron.connection().network.networks()}
            neutron.reset()
            after_reset = list(neutron.connection().network.networks())
        with contextlib.closing(mariadb.admin_connection()) as db, db.cursor() as cur:
            cur.execute(f"SELECT version_num FROM neutron.{OWN_VERSION_TABLE}")  # noqa: S608
            own_versions = [row[0] for row in cur.fetchall()]
            cur.execute("SELECT COUNT(*) FROM neutron.networks")
            stored = cur.fetchone()[0]
        differences = _own_schema_differences(url)

        # A second database of the same server: the schema is replayed, not migrated.
        second = mariadb.create_database("neutron2")
        with NeutronService(
            tmp_path / "neutron2", database_url=second, mechanism_drivers=["logger"]
        ) as again:
            created = again.connection().network.create_network(name="again")
            assert created.provider_network_type == "vlan"
    assert own_versions == [OWN_HEAD]
    assert differences == []  # the migration makes the table the model describes
    assert errors == []
    assert listed == set(names)
    assert after_reset == [] and stored == 0
    assert not (tmp_path / "neutron" / "neutron.sqlite").exists()
    assert again.schema_cached is True
    assert again.schema_seconds is not None and again.schema_seconds < 5


def test_sqlite_schema_has_the_own_table_and_stamps_its_branch(tmp_path: Path) -> None:
    with NeutronService(
        tmp_path / "neutron",
        # The trunk plugin refuses to load unless a mechanism driver with a trunk driver
        # (openvswitch, ovn, or one that registers its own) is configured.
        mechanism_drivers=["openvswitch"],
        service_plugins=["trunk"],
        sections={"DEFAULT": {"global_physnet_mtu": 1400}},
    ) as neutron:
        extensions = {ext["alias"] for ext in neutron.api_get("/v2.0/extensions")["extensions"]}
        created = neutron.connection().network.create_network(name="mtu")
        config = neutron.config_path.read_text()
    with contextlib.closing(sqlite3.connect(neutron.database_path)) as db:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({OWN_TABLE})")]
        query = f"SELECT version_num FROM {OWN_VERSION_TABLE}"  # noqa: S608
        own_versions = [row[0] for row in db.execute(query)]
    assert columns == [
        "neutron_network_id", "oneview_network_uri", "physical_network", "network_type",
        "segmentation_id", "managed", "state",
    ]  # fmt: skip
    assert own_versions == [OWN_HEAD]
    # service_plugins, and a [DEFAULT] option given through sections=
    assert "trunk" in extensions
    assert "service_plugins = trunk" in config
    assert created.mtu == 1400
