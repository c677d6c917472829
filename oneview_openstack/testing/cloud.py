"""A whole OpenStack on OneView, on loopback: ``openstack server create`` lands on a blade.

:class:`OneViewCloud` starts, in this order, MariaDB and RabbitMQ, Placement and Glance,
the OneView simulator with its virtual agents, Neutron with the ``oneview`` mechanism driver
(``physnet1`` mapped to the simulator's tagged uplink sets, its flat segments to the
``deploy`` network), the provisioning network, Ironic with the ``oneview`` hardware type
(``neutron`` network interface, PXE boot, ``oneview-direct`` deploy), the HTTP server of
Ironic's image cache, ``ironic-oneviewd`` enrolling the servers of one or more templates, and
Nova::

    with OneViewCloud(workdir) as cloud:
        conn = cloud.connection()
        conn.compute.create_server(...)

Everything stops when the ``with`` block ends, on Ctrl-C, and on SIGTERM (turned into
:class:`SystemExit` while the cloud runs in the main thread): clients before the services
they call, each group SIGTERMed at once (:meth:`OneViewCloud.stop`), in a few seconds.

Images reach the agents the way a Glance without Swift allows: ``[agent]
image_download_source = http`` makes Ironic's conductor download the Glance image into its
HTTP root, which :class:`HttpRoot` serves at ``[deploy] http_url``; the virtual agent GETs it
there and checks Glance's hash. Periodic intervals are short (``[oneview]
periodic_check_interval``, Nova's ``update_resources_interval``...) so that the story's waits
last seconds.

:meth:`OneViewCloud.service_configs` returns what each service's configuration file holds,
built by the same code as :meth:`~OneViewCloud.start`, without starting anything:
:mod:`.setup_doc` renders the operator's setup page from it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from oneview_openstack.testing.glance_service import GlanceService
from oneview_openstack.testing.ironic_service import IronicService
from oneview_openstack.testing.mariadb import MariaDBServer
from oneview_openstack.testing.neutron_service import NeutronService
from oneview_openstack.testing.nova_cloud import NovaCloud
from oneview_openstack.testing.oneviewd import DaemonProcess, OneViewLogin
from oneview_openstack.testing.placement_service import PlacementService
from oneview_openstack.testing.rabbitmq import RabbitMQServer
from oneview_openstack.testing.service_process import LOOPBACK, Startable, console_script
from oneview_openstack.testing.simulator import SimulatorHandle, start_simulator

if TYPE_CHECKING:
    from openstack.connection import Connection

LOG = logging.getLogger(__name__)

#: The template whose servers the daemon enrolls: Frame3 bays 1 and 2 of the seed (EG-Edge).
TEMPLATE = "SPT-Edge-SY480"
#: Databases of the MariaDB server, by service (Nova makes its own three).
DATABASES = ("ironic", "neutron")
PHYSICAL_NETWORK = "physnet1"
PROVISIONING_NETWORK = "provisioning"
PROVISIONING_CIDR = "10.20.0.0/24"
UPLINKSET_MAPPINGS = "physnet1:LIG-Prod:US-Tenants,physnet1:LIG-Edge:US-Edge-Tenants"
FLAT_NET_MAPPINGS = "physnet1:deploy"
PROJECT_VLANS = "physnet1:200:299"
#: The interfaces of the nodes the daemon creates.
NODE_INTERFACES = {
    "boot": "pxe",
    "deploy": "oneview-direct",
    "network": "neutron",
    "power": "oneview",
    "management": "oneview",
}
#: Seconds between two heartbeats of a virtual agent.
AGENT_HEARTBEAT = 0.2
CLOUD_NAME = "oneview"

_T = TypeVar("_T")


class OneViewCloud(Startable):
    """Every service of the story, with its files under ``workdir``.

    :param template: the server profile template (or templates, in order) whose servers
        ``ironic-oneviewd`` enrolls.
    :param cert_dir: the simulator's certificates (made there once, reused).
    :param update_resources_interval: Nova's, in seconds (how soon Placement follows a node).
    :param debug: DEBUG lines in the OpenStack services' logs.
    :param enroll_on_start: start ``ironic-oneviewd`` in :meth:`start`; when False, the
        caller does with :meth:`start_enrollment` (the demo, to show the nodes moving).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        template: str | Sequence[str] = TEMPLATE,
        cert_dir: Path | None = None,
        update_resources_interval: int = 2,
        debug: bool = False,
        enroll_on_start: bool = True,
    ) -> None:
        self.workdir = Path(workdir)
        self.templates = (template,) if isinstance(template, str) else tuple(template)
        self.cert_dir = Path(cert_dir) if cert_dir else self.workdir / "certs"
        self.update_resources_interval = update_resources_interval
        self.debug = debug
        self.enroll_on_start = enroll_on_start
        self.mariadb = MariaDBServer(self.workdir / "mariadb")
        self.rabbitmq = RabbitMQServer(self.workdir / "rabbitmq")
        self.placement = PlacementService(self.workdir / "placement")
        self.glance = GlanceService(self.workdir / "glance")
        self._ironic: IronicService | None = None
        self._sim: SimulatorHandle | None = None
        self._neutron: NeutronService | None = None
        self._daemon: DaemonProcess | None = None
        self._nova: NovaCloud | None = None
        self._stack = contextlib.ExitStack()
        self._previous_sigterm: Any = None
        self.startup_seconds: float | None = None

    # -- the services, once started ---------------------------------------------------

    @property
    def ironic(self) -> IronicService:
        return _started(self._ironic, "ironic")

    @property
    def sim(self) -> SimulatorHandle:
        return _started(self._sim, "simulator")

    @property
    def neutron(self) -> NeutronService:
        return _started(self._neutron, "neutron")

    @property
    def daemon(self) -> DaemonProcess:
        return _started(self._daemon, "ironic-oneviewd")

    @property
    def nova(self) -> NovaCloud:
        return _started(self._nova, "nova")

    def endpoints(self) -> dict[str, str]:
        """``{service type: URL}`` of every API, and the simulator's."""
        return {
            "compute": self.nova.url,
            "baremetal": self.ironic.url,
            "network": self.neutron.url,
            "image": self.glance.url,
            "placement": self.placement.url,
            "oneview": self.sim.url,
        }

    def connection(self) -> Connection:
        """An openstacksdk connection to every service (no Keystone)."""
        return self.nova.connection()

    def clouds_yaml(self, path: Path) -> Path:
        """Write a ``clouds.yaml`` naming this cloud :data:`CLOUD_NAME` (``auth_type: none``
        and an endpoint override per service); ``OS_CLIENT_CONFIG_FILE=<path>`` then makes
        ``openstack --os-cloud oneview ...`` and ``openstack.connect(cloud='oneview')`` use it."""
        path.write_text(yaml.safe_dump(clouds_config(self.endpoints()), sort_keys=False))
        return path

    def cli_env(self) -> dict[str, str]:
        """The environment of ``ironic-oneview`` / ``openstack oneview`` for this cloud: OneView's
        ``OV_*`` and the Ironic and Nova endpoints (no Keystone)."""
        return {**os.environ, **cli_variables(self.sim, self.ironic.url, self.nova.url)}

    def create_flavors(self) -> list[dict[str, Any]]:
        """Run ``ironic-oneview flavor create`` (a flavor per hardware configuration of the
        enrolled nodes); its rows (``Name``, ``Result``, ``Extra Specs``, ``Nodes``...)."""
        argv = [console_script("ironic-oneview"), "flavor", "create", "-f", "json"]
        done = subprocess.run(  # noqa: S603 - argv built here
            argv, env=self.cli_env(), capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"ironic-oneview flavor create failed: {done.stderr.strip()}")
        rows: list[dict[str, Any]] = json.loads(done.stdout)
        return rows

    def schedulable(self, node_ids: Iterable[str]) -> bool:
        """Whether Nova can schedule on every node now: its host is mapped to the cell and
        Placement offers each node's whole inventory (nothing reserved)."""
        return self.nova.host_mapped() and all(
            _fully_offered(self.placement.inventories(node)) for node in node_ids
        )

    def withheld(self, node_ids: Iterable[str]) -> bool:
        """Whether Placement offers none of these nodes (reserved, or no inventory)."""
        return not any(_fully_offered(self.placement.inventories(node)) for node in node_ids)

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        started = time.monotonic()
        self._hold_sigterm()
        stack = self._stack
        for service in (self.mariadb, self.rabbitmq, self.placement, self.glance):
            stack.enter_context(service)
        databases = {name: self.mariadb.create_database(name) for name in DATABASES}
        # Ironic's port first: the simulator's agents call it back.
        self._ironic = self._ironic_service(databases["ironic"])
        self._sim = self._start_simulator()
        self._neutron = stack.enter_context(self._neutron_service(self.sim, databases["neutron"]))
        self._create_provisioning_network()
        self._configure_ironic(self.ironic, self.sim, self.neutron.url)
        stack.enter_context(HttpRoot(self._pxe_http_root(), self._pxe_http_port()))
        stack.enter_context(self.ironic)
        # Once Nova and the daemon (their clients) have exited: SIGTERM these at once (only
        # Nova uses RabbitMQ); MariaDB stops last.
        servers = (self.ironic, self.neutron, self.sim, self.glance, self.placement, self.rabbitmq)
        stack.callback(_terminate, servers)
        if self.enroll_on_start:
            self.start_enrollment()
        self._nova = stack.enter_context(self._nova_cloud(self.neutron.url, self.ironic.url))
        self.startup_seconds = time.monotonic() - started

    def start_enrollment(self) -> DaemonProcess:
        """Start ``ironic-oneviewd`` (once): it enrolls the templates' servers and brings them
        to ``available``; stopped with the cloud."""
        if self._daemon is None:
            daemon = self._daemon_process(self.sim, self.ironic.url)
            self._daemon = self._stack.enter_context(daemon)
        return self._daemon

    def stop(self) -> None:
        """Stop every service started, in three waves, each SIGTERMed at once then waited
        for (killed after its timeout): the clients (Nova, ``ironic-oneviewd``; nova-conductor
        once nova-compute is gone, see :meth:`NovaCloud.terminate`), then the services they
        call (Ironic, Neutron, the simulator, Glance, Placement, RabbitMQ), then MariaDB. A
        client whose server went first would retry it until killed (nova-compute does); within
        a wave, stopping lasts as long as the slowest, not the sum."""
        try:
            _terminate(service for service in (self._nova, self._daemon) if service)
            self._stack.close()
        finally:
            self._release_sigterm()

    # -- the configuration ---------------------------------------------------------------

    def service_configs(
        self, oneview: OneViewLogin, database_url: str
    ) -> dict[str, dict[str, dict[str, object]]]:
        """``{file name: {section: {option: value}}}``: each configuration file as
        :meth:`start` writes it, for a OneView reached with ``oneview`` and databases at
        ``database_url``; nothing is started or written.

        The files: ``ironic.conf``, Neutron's ``neutron.conf`` and ``ml2_conf.ini``,
        ``nova.conf`` (nova-compute's: the API and conductor add their databases) and
        ``ironic-oneviewd.conf``.
        """
        ironic = self._ironic_service(database_url)
        neutron = self._neutron_service(oneview, database_url)
        self._configure_ironic(ironic, oneview, neutron.url)
        neutron_conf, ml2_conf = neutron._config_sections()
        return {
            "ironic.conf": ironic._config_sections(),
            "neutron.conf": neutron_conf,
            "ml2_conf.ini": ml2_conf,
            "nova.conf": self._nova_cloud(neutron.url, ironic.url)._common_sections(),
            "ironic-oneviewd.conf": self._daemon_process(oneview, ironic.url)._config(),
        }

    # -- the pieces --------------------------------------------------------------------

    def _ironic_service(self, database_url: str) -> IronicService:
        ironic = _ironic(self.workdir / "ironic", database_url)
        ironic.debug = self.debug
        return ironic

    def _configure_ironic(
        self, ironic: IronicService, oneview: OneViewLogin, neutron_url: str
    ) -> None:
        """Ironic's sections for the services started after its port was chosen."""
        ironic.oneview = _ironic_oneview(oneview)
        ironic.sections["neutron"] = {
            "auth_type": "none",
            "endpoint_override": neutron_url,
            "provisioning_network": PROVISIONING_NETWORK,
            "cleaning_network": PROVISIONING_NETWORK,
        }
        ironic.sections["glance"] = self.glance.endpoint_options

    def _start_simulator(self) -> SimulatorHandle:
        handle = start_simulator(
            self.workdir / "simulator",
            cert_dir=self.cert_dir,
            time_scale=0.001,
            ironic_url=self.ironic.url,
            agent_port=0,
            heartbeat_interval=AGENT_HEARTBEAT,
        )
        self._stack.callback(handle.stop)
        return handle

    def _neutron_service(self, oneview: OneViewLogin, database_url: str) -> NeutronService:
        return NeutronService(
            self.workdir / "neutron",
            database_url=database_url,
            vlan_ranges=(PROJECT_VLANS,),
            debug=self.debug,
            sections={
                "oneview": _oneview_credentials(oneview),
                "ml2_oneview": {
                    "uplinkset_mappings": UPLINKSET_MAPPINGS,
                    "flat_net_mappings": FLAT_NET_MAPPINGS,
                    "batch_window": 0.05,
                },
            },
        )

    def _create_provisioning_network(self) -> None:
        network = self.neutron.connection().network
        provisioning = network.create_network(
            name=PROVISIONING_NETWORK,
            provider_network_type="flat",
            provider_physical_network=PHYSICAL_NETWORK,
        )
        network.create_subnet(
            network_id=provisioning.id, ip_version=4, cidr=PROVISIONING_CIDR, enable_dhcp=False
        )

    def _pxe_http_root(self) -> Path:
        assert self.ironic.pxe_roots is not None  # noqa: S101 - _ironic() sets pxe=True
        self.ironic.pxe_roots.http_root.mkdir(parents=True, exist_ok=True)
        return self.ironic.pxe_roots.http_root

    def _pxe_http_port(self) -> int:
        assert self.ironic.pxe_roots is not None  # noqa: S101 - _ironic() sets pxe=True
        return self.ironic.pxe_roots.http_port

    def _daemon_process(self, oneview: OneViewLogin, ironic_url: str) -> DaemonProcess:
        return DaemonProcess(
            self.workdir / "ironic-oneviewd",
            simulator=oneview,
            ironic_url=ironic_url,
            templates=self.templates,
            daemon={
                "interval": 2,
                "poll_interval": 0.5,
                "settle_timeout": 120,
                "interfaces": ",".join(f"{k}:{v}" for k, v in NODE_INTERFACES.items()),
                "physical_network": PHYSICAL_NETWORK,
            },
        )

    def _nova_cloud(self, neutron_url: str, ironic_url: str) -> NovaCloud:
        return NovaCloud(
            self.workdir / "nova",
            mariadb=self.mariadb,
            broker=self.rabbitmq,
            placement=self.placement,
            glance=self.glance,
            neutron_url=neutron_url,
            ironic_url=ironic_url,
            update_resources_interval=self.update_resources_interval,
            # Nova polls Ironic every api_retry_interval while a node deploys (default 2 s).
            sections={
                "ironic": {"api_retry_interval": 1},
                # a blade counts its real cores and memory against the project's quota
                "quota": {"cores": -1, "ram": -1, "instances": -1},
            },
            debug=self.debug,
        )

    # -- SIGTERM -----------------------------------------------------------------------

    def _hold_sigterm(self) -> None:
        """While the cloud runs, SIGTERM unwinds the ``with`` block (Python's default would
        end the process at once, leaving every service, each in its own session, running)."""
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)

    def _release_sigterm(self) -> None:
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


class HttpRoot(Startable):
    """Ironic's ``[deploy] http_root`` served at ``http_url``, as the conductor's web server
    would be: the agents download the images Ironic caches there (``agent_images/<node>``)."""

    def __init__(self, root: Path, port: int) -> None:
        handler = functools.partial(_QuietFileHandler, directory=str(root))
        self._server = ThreadingHTTPServer((LOOPBACK, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


class _QuietFileHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        LOG.debug("http_root: %s", format % args)


def _fully_offered(inventories: Mapping[str, Mapping[str, Any]]) -> bool:
    return bool(inventories) and all(inv.get("reserved") == 0 for inv in inventories.values())


def _terminate(services: Iterable[Startable | SimulatorHandle]) -> None:
    """SIGTERM each of ``services`` without waiting for any."""
    for service in services:
        service.terminate()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _started(service: _T | None, name: str) -> _T:
    if service is None:
        raise RuntimeError(f"{name} is not running: start the OneViewCloud first")
    return service


def clouds_config(endpoints: Mapping[str, str]) -> dict[str, Any]:
    """The ``clouds.yaml`` document of a cloud without Keystone: :data:`CLOUD_NAME` with
    ``auth_type: none`` and an endpoint override per service of ``endpoints`` (``{service
    type: URL}``; the ``oneview`` entry is no OpenStack service and is left out)."""
    cloud: dict[str, Any] = {"auth_type": "none"}
    for service, url in endpoints.items():
        if service != "oneview":
            cloud[f"{service}_endpoint_override"] = url
    return {"clouds": {CLOUD_NAME: cloud}}


def cli_variables(oneview: OneViewLogin, ironic_url: str, nova_url: str) -> dict[str, str]:
    """What :meth:`OneViewCloud.cli_env` adds to the environment."""
    return {
        "OV_AUTH_URL": oneview.url,
        "OV_USERNAME": oneview.username,
        "OV_PASSWORD": oneview.password,
        "OV_CACERT": oneview.ca_file,
        "IRONIC_URL": ironic_url,
        "OS_AUTH_TYPE": "none",
        "OS_BAREMETAL_ENDPOINT_OVERRIDE": ironic_url,
        "OS_COMPUTE_ENDPOINT_OVERRIDE": nova_url,
    }


def _oneview_credentials(oneview: OneViewLogin) -> dict[str, object]:
    return {
        "manager_url": oneview.url,
        "username": oneview.username,
        "password": oneview.password,
        "tls_cacert_file": oneview.ca_file,
    }


def _ironic_oneview(oneview: OneViewLogin) -> dict[str, object]:
    return {
        **_oneview_credentials(oneview),
        "request_retries": 1,
        "power_timeout": 30,
        # dynamic allocation notices a OneView user's profile within 2 s
        "periodic_check_interval": 2,
        "task_poll_interval": 1,
    }


def _ironic(workdir: Path, database_url: str) -> IronicService:
    ironic = IronicService(
        workdir,
        pxe=True,
        database_url=database_url,
        interfaces={"network": ("flat", "noop", "neutron")},
        conductor={
            "automated_clean": True,
            "deploy_callback_timeout": 30,
            "clean_callback_timeout": 30,
            "check_provision_state_interval": 2,
        },
        sections={
            # Ironic's default, written for the setup page: a deploy by a caller with the
            # admin role (Nova's service user) may use an image of any project and visibility.
            "DEFAULT": {"ignore_project_check_for_admin_tasks": True},
            "agent": {
                "require_tls": False,
                "image_download_source": "http",
                "deploy_logs_collect": "on_failure",
                "deploy_logs_local_path": workdir / "deploy-logs",
                "post_deploy_get_power_state_retry_interval": 1,
            },
        },
    )
    ironic.sections["service_catalog"] = {"endpoint_override": ironic.url}
    return ironic


def main(argv: list[str] | None = None) -> int:
    """``python -m oneview_openstack.testing.cloud [WORKDIR]``: start the cloud, print its
    endpoints and ``clouds.yaml``, and keep it running until Ctrl-C or SIGTERM."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m oneview_openstack.testing.cloud")
    parser.add_argument(
        "workdir", nargs="?", type=Path, help="files and logs (default: a temp dir)"
    )
    parser.add_argument(
        "--template", action="append", help=f"repeat for several (default: {TEMPLATE})"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="oneview-cloud-"))
    try:
        with OneViewCloud(workdir, template=args.template or TEMPLATE) as cloud:
            clouds = cloud.clouds_yaml(workdir / "clouds.yaml")
            for service, url in cloud.endpoints().items():
                print(f"{service:10} {url}")
            print(f"\nexport OS_CLIENT_CONFIG_FILE={clouds} OS_CLOUD={CLOUD_NAME}")
            print(f"logs under {workdir}; Ctrl-C or kill -TERM {os.getpid()} stops everything")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
