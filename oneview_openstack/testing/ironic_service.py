"""A real Ironic for functional tests: the all-in-one ``ironic`` process on loopback.

One process runs the API and the conductor (``rpc_transport = none``), on sqlite, with
``auth_strategy = noauth``, so no Keystone, RabbitMQ or database server is needed::

    with IronicService(tmp_path, oneview={'manager_url': 'https://127.0.0.1:8443'}) as ironic:
        bm = ironic.connection().baremetal
        bm.create_node(driver='oneview', name='n1')

Every interface family enables Ironic's fake implementations (for the ``fake-hardware``
type only: the ``oneview`` type lists none) plus every implementation this project
registers under ``ironic.hardware.interfaces.<family>``, so a new OneView interface is
enabled here as soon as its entry point exists; the ``oneview`` type's boot interfaces are
``pxe`` and ``ipxe`` (``pxe=True``, the default). ``start()`` returns only when the API
lists every enabled hardware type, and fails at once, with the log tail, when Ironic logs
that a hardware type could not be registered (Ironic itself keeps running in that case).

sqlite takes one writer at a time (the others wait up to 30 s): under many concurrent
clients Ironic still answers HTTP 500 ("database is locked"). Give ``database_url`` (an
empty MySQL/MariaDB database, e.g. from :class:`.mariadb.MariaDBServer`) for those tests
and benchmarks.

``pxe=True`` (the default) sets Ironic up for the ``pxe`` and ``ipxe`` boot interfaces
(enabled beside the others; see :class:`PxeRoots`): a TFTP root, an HTTP root and the image
caches in ``workdir``, no DHCP (``[dhcp] dhcp_provider = none``), and a small deploy kernel
and ramdisk as ``file://`` URLs. Nothing serves TFTP or HTTP: the simulator's virtual agents
(``oneview-simulator --ironic-url``) stand for the ramdisk that would boot, and tests read
the files Ironic writes (:meth:`PxeRoots.node_files`). ``pxe=False`` leaves only the fake
boot interface, enough for ``hardware_types=("fake-hardware",)`` alone: Ironic refuses to
start a conductor whose ``oneview`` type has no enabled boot interface it supports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import shutil
import sqlite3
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
    cached_file,
    console_script,
    free_port,
    run_checked,
    write_ini,
)

if TYPE_CHECKING:
    from openstack.connection import Connection

INTERFACE_FAMILIES = (
    'bios', 'boot', 'console', 'deploy', 'firmware', 'inspect', 'management',
    'network', 'power', 'raid', 'rescue', 'storage', 'vendor',
)  # fmt: skip

# Implementations every test Ironic enables, for fake-hardware; `oneview` takes this
# project's interfaces, the `no-*` variants and (pxe=True) pxe/ipxe boot.
DEFAULT_INTERFACES: Mapping[str, tuple[str, ...]] = {
    "bios": ("fake", "no-bios"),
    "boot": ("fake",),
    "console": ("fake", "no-console"),
    "deploy": ("fake",),
    "firmware": ("fake", "no-firmware"),
    "inspect": ("fake", "no-inspect"),
    "management": ("fake",),
    "network": ("noop",),
    "power": ("fake",),
    "raid": ("fake", "no-raid"),
    "rescue": ("fake", "no-rescue"),
    "storage": ("noop",),
    "vendor": ("fake", "no-vendor"),
}

DEFAULT_HARDWARE_TYPES = ("oneview", "fake-hardware")

# Boot interfaces that network-boot the ramdisk from files Ironic writes (pxe=True).
PXE_BOOT_INTERFACES = ("pxe", "ipxe")

# Log lines after which Ironic never serves its API although the process stays up.
FATAL_LOG_MARKERS = (
    "Failed to register hardware types",
    "Failed to start conductor",
    "DriverLoadError",
)

_API_VERSION_HEADER = "X-OpenStack-Ironic-API-Version"
_OWN_PACKAGE = "oneview_openstack."


def project_interfaces(family: str) -> list[str]:
    """Names of the Ironic interfaces this project registers for ``family``."""
    group = f"ironic.hardware.interfaces.{family}"
    return sorted(
        ep.name
        for ep in importlib.metadata.entry_points(group=group)
        if ep.value.startswith(_OWN_PACKAGE)
    )


class IronicService(ServiceHarness):
    """An ``ironic`` process with its own config, database and log in ``workdir``.

    :param workdir: an empty or new directory owned by this service.
    :param hardware_types: ``enabled_hardware_types``; all must be listed by the API.
    :param interfaces: per-family implementation names, replacing
        :data:`DEFAULT_INTERFACES` for the families given; this project's registered
        implementations are always added.
    :param oneview: options of the ``[oneview]`` section.
    :param conductor: options of the ``[conductor]`` section over the harness defaults,
        e.g. ``{'sync_power_state_interval': 2}``; periodic intervals are whole seconds.
    :param sections: any other sections, e.g. ``{'neutron': {'auth_type': 'none'}}``;
        ``DEFAULT`` entries override the harness's own.
    :param debug: Ironic's ``debug`` option (DEBUG lines in the log).
    :param startup_timeout: seconds to wait for the API to list the hardware types.
    :param database_url: an empty MySQL/MariaDB database to use instead of the default, a
        sqlite file in ``workdir``; ``start()`` creates Ironic's schema in it.
    :param pxe: enable the ``pxe`` and ``ipxe`` boot interfaces, with the roots, caches and
        deploy images of :attr:`pxe_roots` in ``workdir`` (needed by the ``oneview`` type).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        hardware_types: Sequence[str] = DEFAULT_HARDWARE_TYPES,
        interfaces: Mapping[str, Sequence[str]] | None = None,
        oneview: Mapping[str, object] | None = None,
        conductor: Mapping[str, object] | None = None,
        sections: Mapping[str, Mapping[str, object]] | None = None,
        debug: bool = False,
        startup_timeout: float = 60.0,
        database_url: str | None = None,
        pxe: bool = True,
    ) -> None:
        self.workdir = Path(workdir)
        self.hardware_types = _registered_hardware_types(hardware_types)
        self.interfaces = _merge_interfaces(interfaces or {})
        self.pxe_roots = PxeRoots(self.workdir / "pxe", free_port()) if pxe else None
        if self.pxe_roots is not None:
            boot = self.interfaces["boot"]
            self.interfaces["boot"] = (*boot, *(n for n in PXE_BOOT_INTERFACES if n not in boot))
        self.oneview = dict(oneview or {})
        self.conductor = dict(conductor or {})
        self.sections = {name: dict(opts) for name, opts in (sections or {}).items()}
        self.debug = debug
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.config_path = self.workdir / "ironic.conf"
        self.log_path = self.workdir / "ironic.log"
        self.database_path = self.workdir / "ironic.sqlite"
        self._server_database = database_url is not None
        # A writer waits up to 30 s for another (sqlite's default is 5 s): on a loaded
        # 2-core machine a conductor write failed the demo's inspection with "database is
        # locked" while the task poller wrote.
        self.database_url = database_url or f"sqlite:///{self.database_path}?timeout=30"
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        """The API endpoint, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{LOOPBACK}:{self.port}"

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """Write the config, create the schema, start Ironic and wait until it is ready."""
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.pxe_roots is not None:
            self.pxe_roots.create()
        self.write_config()
        self._create_schema()
        self._process = ServiceProcess(
            "ironic",
            [console_script("ironic"), "--config-file", str(self.config_path)],
            self.log_path,
        )
        self._process.start()
        try:
            self._process.wait_ready(
                self._lists_hardware_types, self.startup_timeout, failure=self._fatal_log_line
            )
        except BaseException:
            # Ctrl-C while waiting: a with block never calls stop() when start() raises,
            # and a starting Ironic ignores SIGTERM.
            self._process.kill()
            self._process = None
            raise
        self.startup_seconds = time.monotonic() - started

    # -- clients -----------------------------------------------------------------

    def connection(self) -> Connection:
        """An openstacksdk connection to this Ironic (noauth; clouds.yaml and OS_* ignored)."""
        import openstack

        return openstack.connect(
            load_yaml_config=False, load_envvars=False,
            auth_type='none', baremetal_endpoint_override=self.url,
        )  # fmt: skip

    def api_get(self, path: str) -> Any:
        """GET ``path`` from the API at its latest microversion; the decoded JSON body."""
        response = requests.get(
            self.url + path, headers={_API_VERSION_HEADER: "latest"}, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def reset(self, timeout: float = 30.0) -> None:
        """Delete every node, whatever its state, so the next test starts from none.

        Nodes are put in maintenance (deletable in any state) and unprotected first; a node
        still locked by a running conductor task is retried until ``timeout``.
        """
        from openstack import exceptions

        baremetal = self.connection().baremetal
        deadline = time.monotonic() + timeout
        while nodes := list(baremetal.nodes(fields=["uuid", "protected"])):
            for node in nodes:
                try:
                    if node.is_protected:
                        baremetal.update_node(node.id, is_protected=False)
                    baremetal.set_node_maintenance(node.id, reason="test reset")
                    baremetal.delete_node(node.id, ignore_missing=True)
                except exceptions.ConflictException:
                    if time.monotonic() > deadline:
                        raise
            time.sleep(0.1)

    # -- config ------------------------------------------------------------------

    def write_config(self) -> Path:
        return write_ini(self.config_path, self._config_sections())

    def _config_sections(self) -> dict[str, dict[str, object]]:
        default: dict[str, object] = {
            "auth_strategy": "noauth",
            # Only the combined `ironic` executable accepts it; it is also what sqlite needs.
            "rpc_transport": "none",
            "host": "oneview-test-conductor",
            "debug": self.debug,
            "use_stderr": True,
            "state_path": self.workdir,
            "minimum_memory_warning_only": True,
            "enabled_hardware_types": self.hardware_types,
        }
        for family, names in self.interfaces.items():
            default[f"enabled_{family}_interfaces"] = names
        sections: dict[str, dict[str, object]] = {
            "DEFAULT": default,
            "api": {"host_ip": LOOPBACK, "port": self.port},
            "database": {"connection": self.database_url},
            "dhcp": {"dhcp_provider": "none"},
            # The default (60 s) is how long a SIGTERM takes to stop the process.
            "conductor": {"graceful_shutdown_timeout": 1, **self.conductor},
            "oslo_concurrency": {"lock_path": self.workdir / "locks"},
        }
        if self.oneview:
            sections["oneview"] = dict(self.oneview)
        if self.pxe_roots is not None:  # under the caller's conductor= and sections=
            for name, options in self.pxe_roots.config_sections().items():
                section = sections.setdefault(name, {})
                for key, value in options.items():
                    section.setdefault(key, value)
        for name, options in self.sections.items():
            sections.setdefault(name, {}).update(options)
        return sections

    # -- startup -----------------------------------------------------------------

    def _create_schema(self) -> None:
        """Copy a cached empty database (``ironic-dbsync create_schema`` takes ~2 s).

        A database server's schema is replayed from SQL cached per Ironic and server version
        (0.1 s; the first time, ``create_schema`` runs against it).
        """
        version = importlib.metadata.version("ironic")
        if self._server_database:
            create_schema_cached(self.database_url, f"ironic-{version}", self._run_dbsync)
            return
        template = cached_file(f"ironic-{version}-schema.sqlite", _build_schema)
        shutil.copyfile(template, self.database_path)
        _use_write_ahead_log(self.database_path)

    def _run_dbsync(self) -> None:
        run_checked(
            "ironic-dbsync",
            [console_script("ironic-dbsync"), "--config-file", str(self.config_path),
             "create_schema"],
            self.workdir / "ironic-dbsync.log",
        )  # fmt: skip

    def _lists_hardware_types(self) -> bool:
        try:
            drivers = self.api_get("/v1/drivers?type=dynamic")["drivers"]
        except (requests.RequestException, ValueError, KeyError):
            return False
        return set(self.hardware_types) <= {driver["name"] for driver in drivers}

    def _fatal_log_line(self) -> str | None:
        try:
            text = self.log_text()
        except FileNotFoundError:
            return None
        for line in text.splitlines():
            if any(marker in line for marker in FATAL_LOG_MARKERS):
                return f"logged a fatal error: {line.strip()}"
        return None


@dataclasses.dataclass(frozen=True)
class PxeRoots:
    """What a ``pxe``/``ipxe``-booting Ironic needs on its conductor, under one directory.

    - ``tftpboot``: ``[pxe] tftp_root``. ``prepare_ramdisk`` writes ``<node uuid>/config``
      (the node's PXE config: GRUB's syntax in UEFI mode, PXELINUX's in BIOS mode), links to
      it named after each PXE-enabled port's MAC (``pxelinux.cfg/01-<mac>``,
      ``grub.cfg-01-<mac>``, ``<mac>.conf``), and the deploy kernel and ramdisk it serves
      (``<node uuid>/deploy_kernel``, ``deploy_ramdisk``); ``clean_up_ramdisk`` removes them.
    - ``httpboot``: ``[deploy] http_root``, where ``ipxe`` writes the same (its config in
      iPXE's syntax, links ``pxelinux.cfg/<mac>``) and its ``boot.ipxe`` script;
      ``[deploy] http_url`` names a loopback port nothing listens on.
    - ``master_images``, ``instance_master``, ``images``: Ironic's image caches
      (``[pxe] tftp_master_path``, ``instance_master_path``, ``images_path``).
    - ``deploy-images/deploy.kernel``, ``deploy.ramdisk``: a few bytes each, the
      ``[conductor] deploy_kernel`` and ``deploy_ramdisk`` of every node, as ``file://``
      URLs. Ironic 39 accepts a ``file://`` URL only under ``[conductor]
      file_url_allowed_paths`` (default ``/var/lib/ironic``; elsewhere cleaning fails with
      "Security: Path ... is not allowed for image source file URLs"), so that option names
      this directory; the conductor then hard-links the file into its cache (no server, no
      download). A loopback ``http://`` URL works as well (a HEAD, then a GET into the
      cache), but needs a server for the run: give ``conductor={"deploy_kernel": url,
      "deploy_ramdisk": url}`` (the caller's options win over these).
    - no DHCP: ``[dhcp] dhcp_provider = none`` (the harness's default), so Ironic writes no
      DHCP options and, in UEFI mode, no per-IP GRUB links.
    """

    root: Path
    http_port: int

    @property
    def tftp_root(self) -> Path:
        return self.root / "tftpboot"

    @property
    def http_root(self) -> Path:
        return self.root / "httpboot"

    @property
    def http_url(self) -> str:
        return f"http://{LOOPBACK}:{self.http_port}"

    @property
    def deploy_kernel(self) -> Path:
        return self.root / "deploy-images" / "deploy.kernel"

    @property
    def deploy_ramdisk(self) -> Path:
        return self.root / "deploy-images" / "deploy.ramdisk"

    def create(self) -> None:
        """The directories, and the deploy kernel and ramdisk (a few bytes each)."""
        for directory in (self.tftp_root, self.http_root, self.deploy_kernel.parent):
            directory.mkdir(parents=True, exist_ok=True)
        self.deploy_kernel.write_bytes(b"emulated deploy kernel\n")
        self.deploy_ramdisk.write_bytes(b"emulated deploy ramdisk\n")

    def config_sections(self) -> dict[str, dict[str, object]]:
        return {
            "pxe": {
                "tftp_root": self.tftp_root,
                "tftp_master_path": self.root / "master_images",
                "instance_master_path": self.root / "instance_master",
                "images_path": self.root / "images",
                "tftp_server": LOOPBACK,
            },
            "deploy": {"http_root": self.http_root, "http_url": self.http_url},
            "dhcp": {"dhcp_provider": "none"},
            "conductor": {
                "deploy_kernel": self.deploy_kernel.as_uri(),
                "deploy_ramdisk": self.deploy_ramdisk.as_uri(),
                "file_url_allowed_paths": self.deploy_kernel.parent,
            },
        }

    def node_files(self, node_uuid: str, macs: Sequence[str] = ()) -> list[str]:
        """What Ironic wrote for the node (paths relative to :attr:`root`, sorted): its
        directory in both roots, and the MAC-named links of ``macs`` to its config."""
        found: list[Path] = []
        for base in (self.tftp_root, self.http_root):
            node_dir = base / node_uuid
            if node_dir.is_dir():
                found += node_dir.rglob("*")
            for mac in macs:
                dashed = mac.lower().replace(":", "-")
                for name in (
                    f"pxelinux.cfg/01-{dashed}",
                    f"pxelinux.cfg/{dashed}",
                    f"grub.cfg-01-{dashed}",
                    f"{mac.lower()}.conf",
                ):
                    if (base / name).is_symlink() or (base / name).exists():
                        found.append(base / name)
        return sorted(str(path.relative_to(self.root)) for path in found)


def _registered_hardware_types(names: Sequence[str]) -> tuple[str, ...]:
    group = "ironic.hardware.types"
    registered = {ep.name for ep in importlib.metadata.entry_points(group=group)}
    missing = [name for name in names if name not in registered]
    if missing:
        raise ValueError(
            f"hardware_types: {missing} not registered under the {group!r} entry point; "
            f"registered: {', '.join(sorted(registered))}"
        )
    return tuple(names)


def _merge_interfaces(overrides: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    unknown = set(overrides) - set(INTERFACE_FAMILIES)
    if unknown:
        raise ValueError(
            f"interfaces: unknown interface families {sorted(unknown)}; "
            f"allowed: {', '.join(INTERFACE_FAMILIES)}"
        )
    merged = {}
    for family in INTERFACE_FAMILIES:
        chosen = tuple(overrides.get(family, DEFAULT_INTERFACES[family]))
        own = [name for name in project_interfaces(family) if name not in chosen]
        merged[family] = (*own, *chosen)
    return merged


def _use_write_ahead_log(database: Path) -> None:
    """Let the API read while the conductor writes (the mode is stored in the file).

    In sqlite's default rollback-journal mode a reader blocks a writer's commit, and the
    API and the conductor of the all-in-one process then fail with "database is locked"
    now and then under load.
    """
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")


def _build_schema(database: Path) -> None:
    config = database.with_suffix(".conf")
    config.write_text(f"[database]\nconnection = sqlite:///{database}\n")
    run_checked(
        "ironic-dbsync",
        [console_script("ironic-dbsync"), "--config-file", str(config), "create_schema"],
        database.with_suffix(".log"),
    )
