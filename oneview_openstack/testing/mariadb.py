"""A private MariaDB server for tests and benchmarks: a database that takes concurrent writers.

sqlite refuses a second writer ("database is locked"), so an Ironic or Neutron on sqlite
fails under concurrent clients; real deployments run on MySQL or MariaDB. This harness runs
Debian's ``mariadbd`` as a process of its own, with its data directory, socket and log in
``workdir``, on a free loopback port, and never touches the distribution's service (port
3306, ``/run/mysqld``)::

    with MariaDBServer(tmp_path / "mariadb") as mariadb:
        url = mariadb.create_database("ironic")  # mysql+pymysql://ironic:...@127.0.0.1:PORT/ironic
        with IronicService(tmp_path / "ironic", database_url=url) as ironic:
            ...

The server is tuned for tests, not durability: no binary log, the redo log written at each
commit but flushed once a second, no doublewrite buffer, small buffers. A new data directory
is unpacked from a cached, freshly initialised one (``mariadb-install-db`` once per MariaDB
version, see :func:`.service_process.cached_file`).

A schema made by a slow tool (``ironic-dbsync create_schema``) can be cached as SQL per tool
version and server version, see :func:`create_schema_cached`.

The Debian packages come from ``tools/system-packages.sh`` (``make test`` runs it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    cache_dir,
    cached_file,
    free_port,
    run_checked,
)

if TYPE_CHECKING:
    import pymysql.connections

LOG = logging.getLogger(__name__)

MARIADBD = Path("/usr/sbin/mariadbd")
INSTALL_DB = Path("/usr/bin/mariadb-install-db")

# Server options for a 2-core CI machine: small caches, no durability a test needs.
SERVER_OPTIONS: tuple[str, ...] = (
    "--skip-name-resolve",
    "--skip-log-bin",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--innodb-buffer-pool-size=64M",
    "--innodb-log-file-size=16M",
    "--innodb-log-buffer-size=4M",
    "--innodb-flush-log-at-trx-commit=2",
    "--innodb-doublewrite=0",
    "--aria-pagecache-buffer-size=8M",
    "--key-buffer-size=1M",
    "--max-connections=300",
    "--table-open-cache=1000",
)

# The options a data directory is created with; a change must change the cache key.
_INIT_OPTIONS: tuple[str, ...] = (
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    # no root@<this host's name>: the directory is cached and unpacked anywhere, and the
    # server skips name resolution (it would warn about the entry at each start)
    "--cross-bootstrap",
    "--skip-log-bin",
    "--innodb-log-file-size=16M",
)
_DATADIR_LAYOUT = 2

_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes
_NAME = re.compile(r"[A-Za-z0-9_]{1,64}")


class MariaDBServer(ServiceHarness):
    """A ``mariadbd`` with its own data directory, socket, pid file and log in ``workdir``.

    :param workdir: an empty or new directory owned by this server; a data directory left
        there by an earlier start is used again.
    :param options: more ``mariadbd`` options, e.g. ``['--max-connections=1000']``; they
        come after :data:`SERVER_OPTIONS` and win over them.
    :param startup_timeout: seconds to wait for the server to accept connections.
    :param stop_timeout: seconds a clean shutdown may take before the server is killed.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        options: tuple[str, ...] | list[str] = (),
        startup_timeout: float = 30.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.options = tuple(options)
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port = free_port()
        self.datadir = self.workdir / "data"
        self.log_path = self.workdir / "mariadbd.log"
        self.pid_path = self.workdir / "mariadbd.pid"
        self.socket_path = self.workdir / "mariadbd.sock"
        self._socket_dir: Path | None = None  # a short one, when workdir's path is too long
        self.startup_seconds: float | None = None
        self.stop_seconds: float | None = None
        self._password = secrets.token_hex(12)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Create the data directory if needed, start mariadbd, wait until it answers.

        Whatever interrupts the start (a failure, Ctrl-C) stops the server again.
        """
        _require_binaries()
        started = time.monotonic()
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            (self.workdir / "tmp").mkdir(exist_ok=True)
            self._choose_socket_path()
            if not (self.datadir / "mysql").is_dir():
                self._unpack_datadir()
            self._process = ServiceProcess("mariadbd", self._argv(), self.log_path)
            self._process.start()
            self._process.wait_ready(self._answers, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM the server and wait for its clean shutdown (SIGKILL after the timeout)."""
        process, self._process = self._process, None
        if process is not None:
            started = time.monotonic()
            process.stop(self.stop_timeout)
            self.stop_seconds = time.monotonic() - started
            if self.pid_path.exists():
                LOG.warning("mariadbd did not shut down cleanly; see %s", self.log_path)
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    def _argv(self) -> list[str]:
        argv = [
            str(MARIADBD), "--no-defaults", *_as_root(),
            f"--datadir={self.datadir}", f"--socket={self.socket_path}",
            f"--pid-file={self.pid_path}", f"--tmpdir={self.workdir / 'tmp'}",
            f"--bind-address={LOOPBACK}", f"--port={self.port}",
        ]  # fmt: skip
        return [*argv, *SERVER_OPTIONS, *self.options]

    def _choose_socket_path(self) -> None:
        self.socket_path = self.workdir / "mariadbd.sock"
        if len(str(self.socket_path)) > _SOCKET_PATH_MAX:
            self._socket_dir = Path(tempfile.mkdtemp(prefix="mariadb-"))
            self.socket_path = self._socket_dir / "mariadbd.sock"

    def _unpack_datadir(self) -> None:
        archive = cached_file(
            f"mariadb-{_server_version()}-datadir-{_DATADIR_LAYOUT}.tar", _build_datadir
        )
        partial = self.workdir / "data.partial"  # an interrupted unpack is never used
        shutil.rmtree(partial, ignore_errors=True)
        with tarfile.open(archive) as tar:
            tar.extractall(partial, filter="data")
        shutil.rmtree(self.datadir, ignore_errors=True)
        os.replace(partial, self.datadir)

    def _answers(self) -> bool:
        try:
            with contextlib.closing(self.admin_connection(timeout=2)) as db, db.cursor() as cur:
                cur.execute("SELECT 1")
        except (OSError, _pymysql().MySQLError):
            return False
        return True

    # -- clients -----------------------------------------------------------------

    def admin_connection(self, timeout: float = 10) -> pymysql.connections.Connection:
        """A PyMySQL connection as ``root`` over the server's socket (the caller closes it)."""
        pymysql = _pymysql()
        return pymysql.connect(
            unix_socket=str(self.socket_path), user="root", password="",
            connect_timeout=timeout, autocommit=True, charset="utf8mb4",
        )  # fmt: skip

    def create_database(
        self, name: str, user: str | None = None, password: str | None = None
    ) -> str:
        """Create database ``name`` and a user with every right on it; its SQLAlchemy URL.

        :param user: the user name (default: ``name``), created for host ``127.0.0.1`` if
            it does not exist yet.
        :param password: the password the user is given (default: this server's random one).
        :return: e.g. ``mysql+pymysql://ironic:pw@127.0.0.1:40123/ironic?charset=utf8mb4``.
        """
        user = user or name
        password = password or self._password
        for what, value in (("database name", name), ("user", user)):
            if not _NAME.fullmatch(value):
                raise ValueError(f"{what} {value!r}: letters, digits and _ only (at most 64)")
        if not password.isalnum():
            raise ValueError("password: letters and digits only (it is put in a URL as is)")
        with contextlib.closing(self.admin_connection()) as db, db.cursor() as cur:
            cur.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            )
            cur.execute("CREATE USER IF NOT EXISTS %s@%s", (user, LOOPBACK))
            cur.execute("ALTER USER %s@%s IDENTIFIED BY %s", (user, LOOPBACK, password))
            cur.execute(f"GRANT ALL ON `{name}`.* TO %s@%s", (user, LOOPBACK))
        return self.url(name, user, password)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists (its user stays)."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"database name {name!r}: letters, digits and _ only")
        with contextlib.closing(self.admin_connection()) as db, db.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def url(self, name: str, user: str, password: str) -> str:
        """The SQLAlchemy URL of database ``name`` on this server for ``user``."""
        return f"mysql+pymysql://{user}:{password}@{LOOPBACK}:{self.port}/{name}?charset=utf8mb4"


# -- cached schemas ----------------------------------------------------------------


def create_schema_cached(url: str, key: str, create: Callable[[], None]) -> bool:
    """Give the empty MySQL/MariaDB database at ``url`` the schema ``create()`` makes there.

    The first time for a ``key`` (e.g. ``ironic-39.0.0``) and server version, ``create()``
    runs and the result (tables, and rows such as alembic's version) is cached as SQL; later
    the SQL is replayed, which takes a fraction of the time. Returns whether the cache was
    used. Other databases (PostgreSQL), and schemas with views, triggers or routines, are
    never cached: ``create()`` runs.
    """
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() not in ("mysql", "mariadb"):
        create()
        return False
    with contextlib.closing(_connect(url)) as db:
        name = f"{key}-schema-{_version_of(db)}.json"
        cached = cache_dir() / name
        if cached.exists():
            _replay(db, json.loads(cached.read_text()))
            return True
    create()
    with contextlib.closing(_connect(url)) as db:
        statements = _snapshot(db)
    if statements is not None:
        text = json.dumps(statements, indent=0)
        cached_file(name, lambda path: _write(path, text))
    return False


def _connect(url: str) -> pymysql.connections.Connection:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return _pymysql().connect(
        host=parsed.host or LOOPBACK, port=parsed.port or 3306,
        user=parsed.username, password=parsed.password or "", database=parsed.database,
        autocommit=True, charset="utf8mb4",
    )  # fmt: skip


def _version_of(db: pymysql.connections.Connection) -> str:
    with db.cursor() as cur:
        cur.execute("SELECT VERSION()")
        return str(cur.fetchone()[0])


def _snapshot(db: pymysql.connections.Connection) -> list[str] | None:
    """The statements that recreate the current database's tables and rows (None: can't)."""
    with db.cursor() as cur:
        cur.execute(
            "SELECT (SELECT COUNT(*) FROM information_schema.views WHERE table_schema = DATABASE())"
            " + (SELECT COUNT(*) FROM information_schema.triggers"
            "    WHERE trigger_schema = DATABASE())"
            " + (SELECT COUNT(*) FROM information_schema.routines"
            "    WHERE routine_schema = DATABASE())"
        )
        if cur.fetchone()[0]:
            return None
        cur.execute("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
        tables = [row[0] for row in cur.fetchall()]
        statements = []
        for table in map(_identifier, tables):
            cur.execute(f"SHOW CREATE TABLE {table}")
            statements.append(re.sub(r" AUTO_INCREMENT=\d+", "", cur.fetchone()[1]))
        for table in map(_identifier, tables):
            cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - a name the server listed
            statements += [f"INSERT INTO {table} VALUES {db.escape(row)}" for row in cur]  # noqa: S608
    return statements


def _identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _replay(db: pymysql.connections.Connection, statements: list[str]) -> None:
    with db.cursor() as cur:
        cur.execute("SET SESSION foreign_key_checks = 0")
        for statement in statements:
            cur.execute(statement)


# -- binaries and the data directory ----------------------------------------------


def _require_binaries() -> None:
    missing = [str(path) for path in (MARIADBD, INSTALL_DB) if not path.exists()]
    if missing:
        raise FileNotFoundError(
            f"MariaDB is not installed ({', '.join(missing)} missing); "
            "run tools/system-packages.sh as root (make test does)"
        )


def _server_version() -> str:
    """e.g. ``10.11.19-MariaDB-0+deb12u1``, from ``mariadbd --version``."""
    output = subprocess.run(  # noqa: S603 - a fixed path
        [str(MARIADBD), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Ver\s+(\S+)", output)
    if not match:
        raise RuntimeError(f"{MARIADBD} --version: unexpected output {output!r}")
    return match.group(1)


def _build_datadir(archive: Path) -> None:
    """Initialise a data directory with ``mariadb-install-db``; tar it to ``archive``."""
    datadir = archive.with_suffix(".d")
    argv = [str(INSTALL_DB), "--no-defaults", *_as_root(), f"--datadir={datadir}", *_INIT_OPTIONS]
    run_checked("mariadb-install-db", argv, archive.with_suffix(".log"))
    with tarfile.open(archive, "w") as tar:
        for entry in sorted(datadir.iterdir()):
            tar.add(entry, arcname=entry.name)


def _as_root() -> Iterator[str]:
    # mariadbd refuses to run as root unless told to; as anyone else it runs as them.
    if os.geteuid() == 0:
        yield "--user=root"


def _pymysql() -> Any:
    try:
        import pymysql
    except ImportError as error:
        raise ImportError(
            "PyMySQL is not installed: pip install -c constraints.txt -e '.[test]'"
        ) from error
    return pymysql


def _write(path: Path, text: str) -> None:
    path.write_text(text)
