"""A real Nova compute API for functional tests: nova-api alone, sqlite, noauth, on loopback.

Only the API process runs: no conductor, scheduler, compute, placement, Keystone or
RabbitMQ (``transport_url = fake:/``). That is all the flavor APIs need, and what the
product talks to (through openstacksdk)::

    with NovaApiService(tmp_path) as nova:
        compute = nova.connection().compute
        flavor = compute.create_flavor(name='bm-gold', ram=4096, vcpus=2, disk=20)
        compute.create_flavor_extra_specs(flavor, {'resources:CUSTOM_BAREMETAL_GOLD': '1'})

Every request is an admin of project ``admin`` unless it says otherwise (see
:mod:`.nova_wsgi`: ``X-Auth-Token: user:project``, ``X-Roles: member``). The three sqlite
databases (API, cell0, cell1) are made by ``nova-manage`` in the order that leaves the log
free of ERROR lines (``api_db sync``, ``cell_v2 map_cell0``, ``cell_v2 create_cell``,
``db sync``) once per Nova version and cached, see :func:`.service_process.cached_file`.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import sqlite3
import sys
import tarfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    cached_file,
    console_script,
    free_port,
    run_checked,
    write_ini,
)

if TYPE_CHECKING:
    from openstack.connection import Connection

# The sqlite file of each database, by the name nova-manage gives its cell.
API_DATABASE = "nova_api.sqlite"
CELL_DATABASES: Mapping[str, str] = {"cell0": "nova_cell0.sqlite", "cell1": "nova.sqlite"}

MICROVERSION_HEADER = "X-OpenStack-Nova-API-Version"

# The pipelines of Nova's api-paste.ini name this filter; it needs a Keystone.
_AUTH_FILTER = "authtoken"


def api_paste_config() -> Path:
    """Nova's ``api-paste.ini``, installed under ``<prefix>/etc/nova``."""
    path = Path(sys.prefix) / "etc" / "nova" / "api-paste.ini"
    if not path.exists():
        raise FileNotFoundError(f"api-paste.ini: not found at {path}; is nova installed?")
    return path


def without_authtoken(paste: str) -> str:
    """``api-paste.ini`` text with ``authtoken`` taken out of every pipeline that has it."""
    lines = []
    removed = 0
    for line in paste.splitlines(keepends=True):
        key, sep, value = line.partition("=")
        if sep and not line.startswith(("#", "[")) and _AUTH_FILTER in value.split():
            words = [word for word in value.split() if word != _AUTH_FILTER]
            line = f"{key}{sep} {' '.join(words)}\n"
            removed += 1
        lines.append(line)
    if not removed:
        raise ValueError(f"api-paste.ini: no pipeline names {_AUTH_FILTER!r}; has Nova changed?")
    return "".join(lines)


class NovaApiService(ServiceHarness):
    """A nova-api process with its own config, sqlite databases and log in ``workdir``.

    :param workdir: an empty or new directory owned by this service.
    :param sections: more config, e.g. ``{'api': {'max_limit': 50}}``; ``DEFAULT`` entries
        override the harness's own.
    :param debug: Nova's ``debug`` option (DEBUG lines in the log).
    :param startup_timeout: seconds to wait for ``GET /v2.1/`` to answer 200.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        sections: Mapping[str, Mapping[str, object]] | None = None,
        debug: bool = False,
        startup_timeout: float = 60.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.sections = {name: dict(opts) for name, opts in (sections or {}).items()}
        self.debug = debug
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "nova.conf"
        self.paste_path = self.workdir / "api-paste.ini"
        self.log_path = self.workdir / "nova-api.log"
        self.database_path = self.workdir / API_DATABASE
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        """The compute endpoint, e.g. ``http://127.0.0.1:40123/v2.1``."""
        return f"http://{LOOPBACK}:{self.port}/v2.1"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Write the config, unpack the cached databases, start nova-api, wait until it serves."""
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.write_config()
        self._unpack_databases()
        argv = [
            sys.executable, "-m", "oneview_openstack.testing.nova_wsgi",
            "--host", LOOPBACK, "--port", str(self.port), "--config-dir", str(self.workdir),
        ]  # fmt: skip
        self._process = ServiceProcess("nova-api", argv, self.log_path)
        self._process.start()
        self._process.wait_ready(self._serves_versions, self.startup_timeout)
        self.startup_seconds = time.monotonic() - started

    # -- clients -----------------------------------------------------------------

    def connection(self) -> Connection:
        """An openstacksdk connection to this Nova (noauth; clouds.yaml and OS_* ignored)."""
        import openstack

        return openstack.connect(
            load_yaml_config=False, load_envvars=False,
            auth_type="none", compute_endpoint_override=self.url,
        )  # fmt: skip

    def api_get(self, path: str, microversion: str = "latest") -> Any:
        """GET ``path`` (e.g. ``/flavors/detail``) at ``microversion``; the decoded JSON body."""
        response = requests.get(
            self.url + path, headers={MICROVERSION_HEADER: microversion}, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Delete every flavor, public or not, so the next test starts from none."""
        compute = self.connection().compute
        for flavor in compute.flavors(is_public=None):
            compute.delete_flavor(flavor.id, ignore_missing=True)

    # -- config ------------------------------------------------------------------

    def write_config(self) -> tuple[Path, Path]:
        """Write ``nova.conf`` and ``api-paste.ini`` (without ``authtoken``) in ``workdir``."""
        write_ini(self.config_path, self._config_sections())
        self.paste_path.write_text(without_authtoken(api_paste_config().read_text()))
        return self.config_path, self.paste_path

    def _config_sections(self) -> dict[str, dict[str, object]]:
        sections = _base_sections(self.workdir)
        sections["DEFAULT"].update(
            {
                "host": "oneview-test-nova",
                "debug": self.debug,
                "use_stderr": True,
                "state_path": self.workdir,
            }
        )
        for name, options in self.sections.items():
            sections.setdefault(name, {}).update(options)
        return sections

    # -- startup -----------------------------------------------------------------

    def _unpack_databases(self) -> None:
        """Unpack the cached databases into ``workdir`` and point the cells at them.

        The API database maps each cell to its database by URL; the cached one names the
        directory it was built in.
        """
        version = importlib.metadata.version("nova")
        archive = cached_file(f"nova-{version}-databases.tar", _build_databases)
        with tarfile.open(archive) as tar:
            for filename in (API_DATABASE, *CELL_DATABASES.values()):
                member = tar.extractfile(filename)
                if member is None:
                    raise FileNotFoundError(f"{archive}: no file {filename}")
                (self.workdir / filename).write_bytes(member.read())
        with contextlib.closing(sqlite3.connect(self.database_path)) as db, db:
            for cell, filename in CELL_DATABASES.items():
                db.execute(
                    "UPDATE cell_mappings SET database_connection = ? WHERE name = ?",
                    (_sqlite_url(self.workdir / filename), cell),
                )

    def _serves_versions(self) -> bool:
        try:
            return requests.get(self.url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _base_sections(directory: Path) -> dict[str, dict[str, object]]:
    """What both nova-manage and nova-api need: the databases, no message bus, no eventlet."""
    return {
        "DEFAULT": {
            # oslo.messaging's in-memory driver: nothing listens, nothing is needed.
            "transport_url": "fake:/",
            # nova-manage would monkey-patch with eventlet and log a deprecation warning.
            "concurrency_backend": "threading",
        },
        "api_database": {"connection": _sqlite_url(directory / API_DATABASE)},
        "database": {"connection": _sqlite_url(directory / CELL_DATABASES["cell1"])},
        "oslo_concurrency": {"lock_path": directory / "locks"},
    }


def _build_databases(archive: Path) -> None:
    """Create the API, cell0 and cell1 databases with nova-manage; tar them to ``archive``."""
    directory = archive.with_suffix(".d")
    directory.mkdir()
    config = write_ini(directory / "nova.conf", _base_sections(directory))
    log = directory / "nova-manage.log"
    nova_manage = [console_script("nova-manage"), "--config-file", str(config)]
    cell0 = _sqlite_url(directory / CELL_DATABASES["cell0"])
    for step in (
        ["api_db", "sync"],
        ["cell_v2", "map_cell0", "--database_connection", cell0],
        ["cell_v2", "create_cell", "--name", "cell1"],
        ["db", "sync"],
    ):
        run_checked(f"nova-manage {' '.join(step[:2])}", [*nova_manage, *step], log)
    with tarfile.open(archive, "w") as tar:
        for filename in (API_DATABASE, *CELL_DATABASES.values()):
            tar.add(directory / filename, arcname=filename)
