"""A whole Nova for functional tests: api, conductor, scheduler and compute (ironic driver).

Unlike :class:`.nova_service.NovaApiService` (the API alone, enough for flavors), this Nova
boots instances: its services talk over a real broker (:class:`.rabbitmq.RabbitMQServer`),
keep their state in MariaDB (sqlite answers "database is locked" to Nova's concurrent
writers), schedule through Placement and boot Glance images on Ironic nodes::

    with NovaCloud(workdir, mariadb=db, broker=rabbit, placement=placement, glance=glance,
                   neutron_url=neutron.url, ironic_url=ironic.url) as nova:
        compute = nova.connection().compute

No Keystone: nova-api gets the identity headers from :mod:`.nova_wsgi`, Nova reaches
Placement with its admin token and Ironic, Neutron and Glance with ``auth_type = none``.
nova-compute gets a config without database sections (it must not have database access),
and the scheduler maps new compute hosts by itself every few seconds
(``discover_hosts_in_cells_interval``), so no ``nova-manage cell_v2 discover_hosts`` is
needed. The three schemas are made once per Nova and MariaDB version and replayed
(:func:`.mariadb.create_schema_cached`); the two cell mappings are written directly, as
``nova-manage cell_v2 map_cell0``/``create_cell`` would, because they hold this run's URLs.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from oneview_openstack.testing.glance_service import GlanceService
from oneview_openstack.testing.mariadb import MariaDBServer, create_schema_cached
from oneview_openstack.testing.nova_service import api_paste_config, without_authtoken
from oneview_openstack.testing.placement_service import PlacementService
from oneview_openstack.testing.rabbitmq import RabbitMQServer
from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    console_script,
    free_port,
    run_checked,
    write_ini,
)

if TYPE_CHECKING:
    from openstack.connection import Connection

HOST = "oneview-nova"
CELL0_UUID = "00000000-0000-0000-0000-000000000000"
DATABASES = ("nova_api", "nova_cell0", "nova")
DATABASE_USER = "nova"
# The daemons Nova runs besides the API, in the order they start (compute needs conductor).
DAEMONS = ("nova-conductor", "nova-scheduler", "nova-compute")


class NovaCloud(ServiceHarness):
    """Nova's four services with their configs and logs in ``workdir``.

    :param update_resources_interval: seconds between nova-compute's reports of the Ironic
        nodes to Placement (Nova's default, 60, makes a freed node wait a minute).
    :param sections: more config for every Nova service, e.g. ``{'ironic': {...}}``.
    :param startup_timeout: seconds to wait for every service to be up.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        mariadb: MariaDBServer,
        broker: RabbitMQServer,
        placement: PlacementService,
        glance: GlanceService,
        neutron_url: str,
        ironic_url: str,
        update_resources_interval: int = 5,
        sections: Mapping[str, Mapping[str, object]] | None = None,
        debug: bool = False,
        startup_timeout: float = 120.0,
    ) -> None:
        self.workdir = Path(workdir)
        self.mariadb = mariadb
        self.broker = broker
        self.placement = placement
        self.glance = glance
        self.neutron_url = neutron_url
        self.ironic_url = ironic_url
        self.update_resources_interval = update_resources_interval
        self.sections = {name: dict(opts) for name, opts in (sections or {}).items()}
        self.debug = debug
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.log_path = self.service_log("nova-api")  # the harness's log: the API's
        self.api_dir = self.workdir / "api"
        self.compute_dir = self.workdir / "compute"
        self.urls: dict[str, str] = {}
        self._daemons: dict[str, ServiceProcess] = {}
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        """The compute endpoint, e.g. ``http://127.0.0.1:40123/v2.1``."""
        return f"http://{LOOPBACK}:{self.port}/v2.1"

    def service_log(self, service: str) -> Path:
        """Where ``service`` (``nova-api``, ``nova-conductor``...) logs."""
        return self.workdir / f"{service}.log"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Databases, configs, then api, conductor, scheduler and compute; wait until the
        three daemons report up through the API.

        Whatever interrupts the start stops what it began.
        """
        started = time.monotonic()
        try:
            self._create_databases()
            self._write_configs()
            self._start_api()
            for daemon in DAEMONS:
                self._start_daemon(daemon)
            self._wait_services_up()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def stop(self) -> None:
        """Stop compute, scheduler, conductor (the reverse of their start), then the API."""
        for name in reversed(DAEMONS):
            process = self._daemons.pop(name, None)
            if process is not None:
                process.stop()
        super().stop()

    def terminate(self) -> None:
        """SIGTERM nova-compute, the scheduler and the API; :meth:`stop` waits for them. Not
        the conductor: nova-compute may call it while it stops (a resource update in flight
        would wait a minute for its answer), so :meth:`stop` stops it after nova-compute."""
        for name in reversed(DAEMONS):
            process = self._daemons.get(name)
            if process is not None and name != "nova-conductor":
                process.terminate()
        super().terminate()

    # -- clients -----------------------------------------------------------------

    def connection(self) -> Connection:
        """An openstacksdk connection to this Nova, Glance and Placement (noauth)."""
        import openstack

        return openstack.connect(
            load_yaml_config=False, load_envvars=False, auth_type="none",
            compute_endpoint_override=self.url,
            image_endpoint_override=self.glance.url,
            placement_endpoint_override=self.placement.url,
            network_endpoint_override=self.neutron_url,
            baremetal_endpoint_override=self.ironic_url,
        )  # fmt: skip

    def services(self) -> dict[str, str]:
        """``{binary: state}`` of Nova's services as the API reports them."""
        response = requests.get(self.url + "/os-services", timeout=10)
        response.raise_for_status()
        return {s["binary"]: s["state"] for s in response.json()["services"]}

    def host_mapped(self) -> bool:
        """Whether the scheduler mapped nova-compute's host to its cell: until then a boot on
        one of its nodes ends in ERROR ("Host ... is not mapped to any cell")."""
        with contextlib.closing(_connect(self.mariadb, "nova_api")) as db, db.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM host_mappings WHERE host = %s", (HOST,))
            return bool(cur.fetchone()[0])

    # -- databases ---------------------------------------------------------------

    def _create_databases(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in DATABASES:
            self.mariadb.drop_database(name)
            self.urls[name] = self.mariadb.create_database(name, user=DATABASE_USER)
        version = importlib.metadata.version("nova")
        create_schema_cached(self.urls["nova_api"], f"nova-api-{version}",
                             lambda: self._nova_manage("api_db", "sync"))  # fmt: skip
        for cell in ("nova_cell0", "nova"):
            create_schema_cached(
                self.urls[cell],
                f"nova-cell-{version}",
                functools.partial(self._nova_manage, "db", "sync", "--local_cell", database=cell),
            )
        self._map_cells()

    def _nova_manage(self, *args: str, database: str = "nova") -> None:
        """Run ``nova-manage`` with a config naming ``database`` as the cell database."""
        config = self.workdir / "nova-manage.conf"
        write_ini(config, {**self._database_sections(database), "DEFAULT": _threading()})
        run_checked(
            f"nova-manage {' '.join(args[:2])}",
            [console_script("nova-manage"), "--config-file", str(config), *args],
            self.workdir / "nova-manage.log",
        )

    def _map_cells(self) -> None:
        """cell0 and cell1 in the API database, with this run's database and broker URLs."""
        with contextlib.closing(_connect(self.mariadb, "nova_api")) as db, db.cursor() as cur:
            cur.execute("DELETE FROM cell_mappings")
            for cell_uuid, name, transport, database in (
                (CELL0_UUID, "cell0", "none:///", self.urls["nova_cell0"]),
                (str(uuid.uuid4()), "cell1", self.broker.transport_url, self.urls["nova"]),
            ):
                cur.execute(
                    "INSERT INTO cell_mappings (uuid, name, transport_url, database_connection,"
                    " disabled, created_at) VALUES (%s, %s, %s, %s, 0, UTC_TIMESTAMP())",
                    (cell_uuid, name, transport, database),
                )

    # -- configs -----------------------------------------------------------------

    def _write_configs(self) -> None:
        for directory in (self.api_dir, self.compute_dir, self.workdir / "state"):
            directory.mkdir(parents=True, exist_ok=True)
        common = self._common_sections()
        write_ini(self.api_dir / "nova.conf", {**common, **self._database_sections("nova")})
        (self.api_dir / "api-paste.ini").write_text(
            without_authtoken(api_paste_config().read_text())
        )
        write_ini(self.compute_dir / "nova.conf", common)

    def _common_sections(self) -> dict[str, dict[str, object]]:
        sections: dict[str, dict[str, object]] = {
            "DEFAULT": {
                "transport_url": self.broker.transport_url,
                "compute_driver": "ironic.IronicDriver",
                "host": HOST,
                "debug": self.debug,
                "use_stderr": True,
                "state_path": self.workdir / "state",
                "reserved_host_memory_mb": 0,
                "update_resources_interval": self.update_resources_interval,
                # Periodic tasks start at once, not after a random delay of up to 60 s (the
                # scheduler's first mapping of the compute host waited for it).
                "periodic_fuzzy_delay": 0,
            },
            "oslo_concurrency": {"lock_path": self.workdir / "locks"},
            "oslo_messaging_notifications": {"driver": "noop"},
            "conductor": {"workers": 1},
            "scheduler": {"workers": 1, "discover_hosts_in_cells_interval": 2},
            "placement": dict(self.placement.nova_options),
            "ironic": {"auth_type": "none", "endpoint_override": self.ironic_url},
            "neutron": {"auth_type": "none", "endpoint_override": self.neutron_url},
            "glance": dict(self.glance.endpoint_options),
        }
        for name, options in self.sections.items():
            sections.setdefault(name, {}).update(options)
        return sections

    def _database_sections(self, cell: str) -> dict[str, dict[str, object]]:
        return {
            "api_database": {"connection": self.urls["nova_api"]},
            "database": {"connection": self.urls[cell]},
        }

    # -- processes ---------------------------------------------------------------

    def _start_api(self) -> None:
        argv = [
            sys.executable, "-m", "oneview_openstack.testing.nova_wsgi",
            "--host", LOOPBACK, "--port", str(self.port), "--config-dir", str(self.api_dir),
        ]  # fmt: skip
        self._process = ServiceProcess("nova-api", argv, self.service_log("nova-api"))
        self._process.start()
        self._process.wait_ready(self._serves_versions, self.startup_timeout)

    def _start_daemon(self, name: str) -> None:
        config_dir = self.compute_dir if name == "nova-compute" else self.api_dir
        argv = [console_script(name), "--config-file", str(config_dir / "nova.conf")]
        process = ServiceProcess(name, argv, self.service_log(name))
        self._daemons[name] = process
        process.start()

    def _wait_services_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            for process in self._daemons.values():
                if not process.is_running():
                    process.wait_ready(lambda: False, 0)  # raises, naming the log
            found = self._services_or_none()
            if found is not None and all(found.get(name) == "up" for name in DAEMONS):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Nova services not up after {self.startup_timeout:g} s: {found}; "
                    f"logs in {self.workdir}"
                )
            time.sleep(0.5)

    def _services_or_none(self) -> dict[str, str] | None:
        try:
            return self.services()
        except requests.RequestException:
            return None

    def _serves_versions(self) -> bool:
        try:
            return requests.get(self.url + "/", timeout=5).status_code == 200
        except requests.RequestException:
            return False


def _threading() -> dict[str, object]:
    """nova-manage without eventlet's monkey-patching (and its deprecation warning).

    Not for the services: with oslo.service's threading backend, Nova 34's periodic tasks
    stop at once ("A dynamic interval looping call should supply either an interval or
    periodic_interval_max"), so the scheduler never maps the compute host.
    """
    return {"concurrency_backend": "threading"}


def _connect(mariadb: MariaDBServer, database: str) -> Any:
    db = mariadb.admin_connection()
    db.select_db(database)
    return db
