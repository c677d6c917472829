"""The MariaDB harness, and a real Ironic on it taking concurrent writers.

No test shows the same load failing on sqlite: with 8 (and up to 32) client threads an
Ironic on sqlite answered every node creation, in journal mode WAL or not, so such a test
would prove nothing reliably.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from oneview_openstack.testing import mariadb as mariadb_module
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.mariadb import MariaDBServer, create_schema_cached

NODES = 40
THREADS = 8


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _create_nodes(ironic: IronicService, names: list[str], threads: int) -> list[str]:
    """Create a fake-hardware node per name from ``threads`` threads; the errors."""
    local = threading.local()

    def create(name: str) -> str | None:
        if not hasattr(local, "connection"):
            local.connection = ironic.connection()  # one per thread
        try:
            # Without provision_state='enroll' the SDK would drive each node to available.
            local.connection.baremetal.create_node(
                driver="fake-hardware", provision_state="enroll", name=name
            )
        except Exception as error:  # every failure is reported
            return f"{name}: {error!r}"
        return None

    with ThreadPoolExecutor(threads) as pool:
        return [error for error in pool.map(create, names) if error]


@pytest.mark.functional
def test_ironic_on_mariadb_creates_nodes_from_concurrent_clients(tmp_path: Path) -> None:
    names = [f"node-{index:02d}" for index in range(NODES)]
    with MariaDBServer(tmp_path / "mariadb") as mariadb:
        url = mariadb.create_database("ironic")
        with IronicService(tmp_path / "ironic", database_url=url) as ironic:
            errors = _create_nodes(ironic, names, THREADS)
            listed = {node.name for node in ironic.connection().baremetal.nodes()}
            log = ironic.log_text()
        with contextlib.closing(mariadb.admin_connection()) as db, db.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM ironic.nodes")
            stored = cur.fetchone()[0]
        pid = mariadb.pid
    assert errors == []
    assert listed == set(names)
    assert stored == NODES  # in MariaDB, not in a sqlite file
    assert not (tmp_path / "ironic" / "ironic.sqlite").exists()
    # Not one request failed, not even one the SDK retried.
    assert re.findall(r"POST /v1/nodes - (\d+)", log) == ["201"] * NODES
    assert pid is not None and not _alive(pid)


@pytest.mark.functional
def test_stop_leaves_nothing_running(tmp_path: Path) -> None:
    server = MariaDBServer(tmp_path)
    with server:
        pid = server.pid
        assert pid is not None and _alive(pid)
        assert server.pid_path.exists() and server.socket_path.exists()
    assert not _alive(pid)
    # A clean shutdown removes both; a killed server would leave them.
    assert not server.pid_path.exists()
    assert not server.socket_path.exists()
    assert "Shutdown complete" in server.log_text()


@pytest.mark.functional
def test_a_long_workdir_gets_a_short_socket_path(tmp_path: Path) -> None:
    server = MariaDBServer(tmp_path / ("deep-" * 20))
    for _ in range(2):  # a second start finds a socket path again
        with server:
            assert len(str(server.socket_path)) < 100
            assert server.create_database("db", password="pw1").startswith("mysql+pymysql://db:")
            server.drop_database("db")
        assert not server.socket_path.parent.exists()


@pytest.mark.functional
def test_an_interrupt_in_the_block_stops_the_server(tmp_path: Path) -> None:
    server = MariaDBServer(tmp_path)
    with pytest.raises(KeyboardInterrupt), server:
        pid = server.pid
        raise KeyboardInterrupt
    assert pid is not None and not _alive(pid)


@pytest.mark.functional
def test_an_interrupted_start_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = MariaDBServer(tmp_path)
    seen: list[int | None] = []

    def interrupted() -> bool:
        seen.append(server.pid)
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "_answers", interrupted)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert seen[0] is not None and not _alive(seen[0])


@pytest.mark.functional
def test_data_survives_a_restart_and_users_see_only_their_database(tmp_path: Path) -> None:
    import sqlalchemy

    with MariaDBServer(tmp_path) as server:
        url = server.create_database("kept", password="secret1")
        server.create_database("other")
        engine = sqlalchemy.create_engine(url)
        with engine.begin() as db:
            db.execute(sqlalchemy.text("CREATE TABLE t (v VARCHAR(20))"))
            db.execute(sqlalchemy.text("INSERT INTO t VALUES ('été')"))
            databases = {row[0] for row in db.execute(sqlalchemy.text("SHOW DATABASES"))}
        engine.dispose()
    assert "kept" in databases and "other" not in databases
    with MariaDBServer(tmp_path) as server:
        engine = sqlalchemy.create_engine(server.url("kept", "kept", "secret1"))
        with engine.connect() as db:
            assert db.execute(sqlalchemy.text("SELECT v FROM t")).scalar_one() == "été"
        engine.dispose()


@pytest.mark.functional
def test_a_schema_is_replayed_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = [
        "CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10) UNIQUE)",
        "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT,"
        " FOREIGN KEY (parent_id) REFERENCES parent (id))",
        "INSERT INTO parent (name) VALUES ('a'), ('b')",
    ]
    with MariaDBServer(tmp_path / "server") as server:
        monkeypatch.setenv("ONEVIEW_TEST_CACHE", str(tmp_path / "cache"))  # a cold one
        created = _schema_of(server, "first", lambda: _execute(server, "first", schema))
        replayed = _schema_of(server, "second", lambda: pytest.fail("not from the cache"))
    assert replayed == created
    assert created[-1] == [(1, "a"), (2, "b")]


def _schema_of(server: MariaDBServer, name: str, create: Callable[[], None]) -> list[object]:
    """Give database ``name`` the cached schema ``create`` makes; its tables and rows."""
    create_schema_cached(server.create_database(name), "test-schema", create)
    with contextlib.closing(server.admin_connection()) as db, db.cursor() as cur:
        shown = []
        for table in ("child", "parent"):
            cur.execute(f"SHOW CREATE TABLE `{name}`.`{table}`")
            shown.append(re.sub(r" AUTO_INCREMENT=\d+", "", cur.fetchone()[1]))
        cur.execute(f"SELECT id, name FROM `{name}`.parent ORDER BY id")  # noqa: S608
        shown.append([tuple(row) for row in cur.fetchall()])
    return shown


def _execute(server: MariaDBServer, database: str, statements: list[str]) -> None:
    with contextlib.closing(server.admin_connection()) as db, db.cursor() as cur:
        cur.execute(f"USE `{database}`")
        for statement in statements:
            cur.execute(statement)


def test_missing_binaries_name_the_install_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mariadb_module, "MARIADBD", tmp_path / "no-mariadbd")
    with pytest.raises(FileNotFoundError, match="tools/system-packages.sh"):
        MariaDBServer(tmp_path).start()
