"""A real Neutron API for functional tests: ML2 (flat + vlan), sqlite, noauth, on loopback.

No agents, no RabbitMQ (``transport_url = fake:/``), no Keystone::

    with NeutronService(tmp_path) as neutron:
        net = neutron.connection().network
        net.create_network(name='prov', provider_network_type='flat',
                           provider_physical_network='physnet1')

The noauth API treats every request without ``X-Project-Id`` as an *admin* of project
``fake_project_id``; the old policy defaults are kept (``enforce_new_defaults = false``) so
that an admin may set ``binding:profile``, as Ironic does. The schema is made from Neutron's
models plus this project's and ``model_modules`` (``create_all`` then ``stamp heads``; real
migrations fail on sqlite) once per version and cached, see :func:`.service_process.cached_file`.

sqlite takes one writer at a time: concurrent clients get "database is locked" errors. Give
an empty MySQL/MariaDB database instead (see :mod:`.mariadb`); its schema is made by the real
migrations, Neutron's and every installed subproject's (``neutron-db-manage upgrade heads``),
and cached as SQL per Neutron version and migration sources::

    with MariaDBServer(tmp_path / "mariadb") as mariadb:
        url = mariadb.create_database("neutron")
        with NeutronService(tmp_path / "neutron", database_url=url) as neutron:
            ...
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from oneview_openstack.testing.mariadb import create_schema_cached
from oneview_openstack.testing.service_process import (
    LOOPBACK,
    ServiceHarness,
    ServiceProcess,
    cache_dir,
    cached_file,
    console_script,
    free_port,
    run_checked,
    write_ini,
)

if TYPE_CHECKING:
    from openstack.connection import Connection

MECHANISM_DRIVER_GROUP = "neutron.ml2.mechanism_drivers"
MIGRATIONS_GROUP = "neutron.db.alembic_migrations"
#: This project's models: ``stamp heads`` records its alembic branch, so its tables are made.
OWN_MODEL_MODULES: tuple[str, ...] = ("oneview_openstack.ml2.db.models",)
_OWN_PACKAGE = "oneview_openstack."


def project_mechanism_drivers() -> list[str]:
    """Names of the ML2 mechanism drivers this project registers."""
    return sorted(
        ep.name
        for ep in importlib.metadata.entry_points(group=MECHANISM_DRIVER_GROUP)
        if ep.value.startswith(_OWN_PACKAGE)
    )


def api_paste_config() -> Path:
    """Neutron's ``api-paste.ini``, installed under ``<prefix>/etc/neutron``."""
    path = Path(sys.prefix) / "etc" / "neutron" / "api-paste.ini"
    if not path.exists():
        raise FileNotFoundError(f"api-paste.ini: not found at {path}; is neutron installed?")
    return path


class NeutronService(ServiceHarness):
    """A Neutron API process with its own config, database and log in ``workdir``.

    :param workdir: an empty or new directory owned by this service.
    :param mechanism_drivers: ML2 ``mechanism_drivers``; default: the ones this project
        registers under ``neutron.ml2.mechanism_drivers`` (none is valid: ports then fail
        to bind). Neutron's test drivers ``logger`` and ``test`` can be named too.
    :param vlan_ranges: ``network_vlan_ranges`` (``physnet:first:last`` or ``physnet``).
    :param flat_networks: ``flat_networks`` (``*`` = any physical network).
    :param tenant_network_types: network types for networks created without provider data.
    :param ml2: more ``[ml2]`` options (``extension_drivers``, ...).
    :param service_plugins: ``[DEFAULT] service_plugins``, e.g. ``['trunk']``.
    :param sections: other sections, e.g. ``{'ml2_oneview': {...}}``; ``DEFAULT`` entries
        override the harness's own.
    :param model_modules: modules whose SQLAlchemy models need tables on sqlite, besides
        Neutron's and :data:`OWN_MODEL_MODULES` (another plugin's).
    :param debug: Neutron's ``debug`` option.
    :param startup_timeout: seconds to wait for ``GET /v2.0/networks`` to answer 200.
    :param database_url: an empty MySQL/MariaDB database to use instead of the default, a
        sqlite file in ``workdir``; ``start()`` creates the schema in it by the migrations.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        mechanism_drivers: Sequence[str] | None = None,
        vlan_ranges: Sequence[str] = ("physnet1:100:199",),
        flat_networks: Sequence[str] = ("*",),
        tenant_network_types: Sequence[str] = ("vlan",),
        ml2: Mapping[str, object] | None = None,
        service_plugins: Sequence[str] = (),
        sections: Mapping[str, Mapping[str, object]] | None = None,
        model_modules: Sequence[str] = (),
        debug: bool = False,
        startup_timeout: float = 60.0,
        database_url: str | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.mechanism_drivers = tuple(
            project_mechanism_drivers() if mechanism_drivers is None else mechanism_drivers
        )
        self.vlan_ranges = tuple(vlan_ranges)
        self.flat_networks = tuple(flat_networks)
        self.tenant_network_types = tuple(tenant_network_types)
        self.ml2 = dict(ml2 or {})
        self.service_plugins = tuple(service_plugins)
        self.sections = {name: dict(opts) for name, opts in (sections or {}).items()}
        self.model_modules = tuple(dict.fromkeys((*OWN_MODEL_MODULES, *model_modules)))
        self.debug = debug
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "neutron.conf"
        self.ml2_config_path = self.workdir / "ml2_conf.ini"
        self.log_path = self.workdir / "neutron.log"
        self.database_path = self.workdir / "neutron.sqlite"
        self._server_database = database_url is not None
        self.database_url = database_url or f"sqlite:///{self.database_path}?timeout=30"
        self.startup_seconds: float | None = None
        #: Seconds ``start()`` took to make the schema, and whether it came from the cache.
        self.schema_seconds: float | None = None
        self.schema_cached: bool | None = None

    @property
    def url(self) -> str:
        """The API endpoint, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{LOOPBACK}:{self.port}"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Write the config, create the schema, start Neutron and wait until it serves."""
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.write_config()
        self._create_schema()
        self.schema_seconds = time.monotonic() - started
        argv = [
            sys.executable, '-m', 'oneview_openstack.testing.neutron_wsgi',
            '--host', LOOPBACK, '--port', str(self.port),
            '--config-file', str(self.config_path), '--config-file', str(self.ml2_config_path),
        ]  # fmt: skip
        self._process = ServiceProcess("neutron", argv, self.log_path)
        self._process.start()
        self._process.wait_ready(self._serves_networks, self.startup_timeout)
        self.startup_seconds = time.monotonic() - started

    # -- clients -----------------------------------------------------------------

    def connection(self) -> Connection:
        """An openstacksdk connection to this Neutron (noauth; clouds.yaml and OS_* ignored)."""
        import openstack

        return openstack.connect(
            load_yaml_config=False, load_envvars=False,
            auth_type='none', network_endpoint_override=self.url,
        )  # fmt: skip

    def api_get(self, path: str) -> Any:
        """GET ``path`` (e.g. ``/v2.0/networks``); the decoded JSON body."""
        response = requests.get(self.url + path, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Delete every port, subnet and network, so the next test starts from none."""
        network = self.connection().network
        for port in network.ports():
            network.delete_port(port.id, ignore_missing=True)
        for subnet in network.subnets():
            network.delete_subnet(subnet.id, ignore_missing=True)
        for net in network.networks():
            network.delete_network(net.id, ignore_missing=True)

    # -- config ------------------------------------------------------------------

    def write_config(self) -> tuple[Path, Path]:
        neutron_conf, ml2_conf = self._config_sections()
        write_ini(self.config_path, neutron_conf)
        write_ini(self.ml2_config_path, ml2_conf)
        return self.config_path, self.ml2_config_path

    def _config_sections(self) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
        neutron_conf: dict[str, dict[str, object]] = {
            "DEFAULT": {
                "core_plugin": "ml2",
                "service_plugins": self.service_plugins,
                "auth_strategy": "noauth",
                "api_paste_config": api_paste_config(),
                "transport_url": "fake:/",
                "debug": self.debug,
                "use_stderr": True,
                "state_path": self.workdir,
                "rpc_workers": 0,
                "rpc_state_report_workers": 0,
                "api_workers": 1,
                "notify_nova_on_port_status_changes": False,
                "notify_nova_on_port_data_changes": False,
                "allow_overlapping_ips": True,
                "dhcp_agent_notification": False,
            },
            "database": {"connection": self.database_url},
            "oslo_concurrency": {"lock_path": self.workdir / "locks"},
            "agent": {"report_interval": 0},
            # binding:profile needs the `service` role under the new defaults.
            "oslo_policy": {"enforce_new_defaults": False, "enforce_scope": False},
            # The default (100 networks per project) is too few for scale tests.
            "quotas": {"quota_network": -1, "quota_subnet": -1, "quota_port": -1},
        }
        for name, options in self.sections.items():
            neutron_conf.setdefault(name, {}).update(options)
        ml2_conf: dict[str, dict[str, object]] = {
            "ml2": {
                "type_drivers": "flat,vlan",
                "tenant_network_types": self.tenant_network_types,
                "mechanism_drivers": self.mechanism_drivers,
                "extension_drivers": "port_security",
                **self.ml2,
            },
            "ml2_type_flat": {"flat_networks": self.flat_networks},
            "ml2_type_vlan": {"network_vlan_ranges": self.vlan_ranges},
        }
        return neutron_conf, ml2_conf

    # -- startup -----------------------------------------------------------------

    def _create_schema(self) -> None:
        """Copy a cached sqlite database, or on a database server, replay cached SQL.

        The first time, the server's schema is made by ``neutron-db-manage upgrade heads``
        (~4 s) and cached per Neutron version and migration sources, see
        :func:`.mariadb.create_schema_cached`.
        """
        if self._server_database:
            self.schema_cached = create_schema_cached(
                self.database_url, f"neutron-{_migrations_key()}", self._upgrade_heads
            )
            return
        name = f"neutron-{_schema_key(self.model_modules)}.sqlite"
        self.schema_cached = (cache_dir() / name).exists()
        template = cached_file(name, lambda path: _build_schema(path, self.model_modules))
        shutil.copyfile(template, self.database_path)

    def _upgrade_heads(self) -> None:
        run_checked(
            "neutron-db-manage",
            [console_script("neutron-db-manage"),
             "--config-file", str(self.config_path), "--config-file", str(self.ml2_config_path),
             "upgrade", "heads"],
            self.workdir / "neutron-db-manage.log",
        )  # fmt: skip

    def _serves_networks(self) -> bool:
        try:
            return requests.get(self.url + "/v2.0/networks", timeout=5).status_code == 200
        except requests.RequestException:
            return False


def _schema_key(model_modules: Sequence[str]) -> str:
    """Neutron's version plus a digest of the model sources and the migration branches."""
    digest = hashlib.sha256(_migrations_key().encode())
    for module in sorted(model_modules):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ValueError(f"model_modules: module {module!r} not found")
        digest.update(module.encode() + Path(spec.origin).read_bytes())
    return f"{importlib.metadata.version('neutron')}-{digest.hexdigest()[:12]}"


def _migrations_key() -> str:
    """Neutron's version plus a digest of every installed alembic branch's sources.

    A branch's sources are its ``env.py`` and revisions (a subproject installed in editable
    mode changes without a new version).
    """
    digest = hashlib.sha256()
    for entry_point in sorted(
        importlib.metadata.entry_points(group=MIGRATIONS_GROUP), key=lambda ep: ep.name
    ):
        digest.update(entry_point.name.encode() + b"=" + entry_point.value.encode())
        root = _alembic_directory(entry_point.module, entry_point.attr)
        for path in [root / "env.py", *sorted((root / "versions").rglob("*.py"))]:
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return f"{importlib.metadata.version('neutron')}-{digest.hexdigest()[:12]}"


def _alembic_directory(module: str, attr: str) -> Path:
    """The directory alembic's ``script_location`` ``module:attr`` names.

    Found from the top-level package, as ``neutron-db-manage`` does, so that nothing is
    imported (importing Neutron's packages takes 0.3 s and brings eventlet in).
    """
    top, *inner = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{MIGRATIONS_GROUP}: package {top!r} not found")
    return Path(next(iter(spec.submodule_search_locations)), *inner, *attr.split("."))


def _build_schema(database: Path, model_modules: Sequence[str]) -> None:
    url = f"sqlite:///{database}"
    log = database.with_suffix(".log")
    run_checked(
        "neutron schema",
        [sys.executable, "-m", "oneview_openstack.testing.neutron_schema", url, *model_modules],
        log,
    )
    config = database.with_suffix(".conf")
    write_ini(config, {"database": {"connection": url}})
    run_checked(
        "neutron-db-manage",
        [console_script("neutron-db-manage"), "--config-file", str(config), "stamp", "heads"],
        log,
    )
