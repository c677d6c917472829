"""TEST ONLY: an emulated ironic-python-agent (IPA) for one node.

No real IPA can boot on a simulated OneView server, so :class:`EmulatedAgent` plays the part
of the agent's ramdisk for one node, on 127.0.0.1, closely enough for a real Ironic to run its
own agent (``direct``) deploy, automated cleaning and tear-down against it::

    with EmulatedAgent(ironic.url, node.id, is_powered_on=is_on, power_off=press_off) as agent:
        ...  # provide / deploy the node through Ironic; agent.disk is what write_image wrote

(:class:`~oneview_openstack.testing.image_server.ImageServer` serves the image to deploy.)

What it emulates:

- **Boot and death, tied to the server's power.** Every ``interval`` seconds it asks
  ``is_powered_on()``: when the server comes on, the "ramdisk boots" (no token, no command
  history); when it goes off, the agent dies. A reboot too fast to be seen as "off" is noticed
  when Ironic refuses a heartbeat (Ironic wipes the token on every power action), which also
  makes the agent start over. It boots whatever the boot device (with Ironic's ``fake`` boot
  interface nothing sets one for the ramdisk): Ironic's lookup answers 404 unless the node
  waits for an agent, or a masked token when the instance is booted at the end of a deploy,
  and the agent then keeps looking up, backing off to ``5 * interval``.
- **Agent → Ironic**: ``GET /v1/lookup`` (once per boot, keeping the token it gets) and
  ``POST /v1/heartbeat/<node>`` with its ``callback_url``, token and ``agent_version``, every
  ``interval`` seconds and at once when an asynchronous command finishes.
- **Ironic → agent**: ``POST /v1/commands/`` and ``GET /v1/commands/`` with the token checked
  (401 otherwise); 409 "Agent is busy" while a step runs; 400 for an unknown command.
  Commands: ``clean.get_clean_steps`` (one step, ``erase_devices_metadata``),
  ``clean.execute_clean_step``, ``deploy.get_deploy_steps`` (``write_image``),
  ``deploy.execute_deploy_step``, ``standby.get_partition_uuids`` (whole-disk images),
  ``image.install_bootloader``, ``standby.sync``, ``standby.power_off`` (calls ``power_off()``
  in the background, as the real agent powers the machine off after answering) and
  ``log.collect_system_logs`` (an empty archive). Steps run in a thread: RUNNING, then
  SUCCEEDED or FAILED with a ``command_error``.
- **write_image** downloads ``image_info.urls[0]`` and checks it against ``os_hash_algo`` /
  ``os_hash_value`` (or the legacy ``checksum``, md5); a mismatch fails the step. The "disk" is
  :attr:`EmulatedAgent.disk`: the URL and SHA-256 of the last image written.
- **Failure injection**: :meth:`EmulatedAgent.fail_next_step` makes the next run of a step fail
  with a given message.

What it does not emulate: real disks (nothing is written anywhere; ``erase_devices_metadata``
only counts), partition images (no root partition UUID), any other step or command (RAID, BIOS,
firmware, inspection, rescue, service, fast track, ``run_image``), TLS on the callback URL
(Ironic must run with ``[agent] require_tls = false``), configdrive, and the network: it never
checks which MAC addresses or networks the node is on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from oneview_openstack.testing.service_process import LOOPBACK, Startable

LOG = logging.getLogger(__name__)

AGENT_VERSION = "13.0.0"
# 1.62 returns the agent token at lookup, 1.68 accepts agent_verify_ca.
IRONIC_API_VERSION = "1.68"
HARDWARE_MANAGER = "EmulatedHardwareManager"
HARDWARE_MANAGER_VERSION = {HARDWARE_MANAGER: "1.0"}
CLEAN_STEPS = [
    {
        "step": "erase_devices_metadata",
        "priority": 99,
        "interface": "deploy",
        "reboot_requested": False,
        "abortable": True,
    }
]
DEPLOY_STEPS = [
    {"step": "write_image", "priority": 0, "interface": "deploy", "reboot_requested": False}
]
# What a lookup returns instead of the token when the node already has one.
MASKED_TOKEN = "******"  # noqa: S105 - not a secret: what Ironic shows instead of one
_TIMEOUT = 10.0


class CommandStatus:
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class StepFailed(Exception):
    """A step the emulated agent runs failed; the message is what Ironic gets."""


class EmulatedAgent(Startable):
    """One node's emulated ironic-python-agent (see the module docstring).

    :param ironic_url: Ironic's API, e.g. ``http://127.0.0.1:6385``.
    :param node_uuid: the node this agent runs on (used for the lookup and heartbeats).
    :param is_powered_on: whether the node's server is on now; the agent lives while it is.
    :param power_off: powers the server off, for ``standby.power_off``; without it, Ironic
        has to power off out of band after its polling gives up.
    :param interval: seconds between power checks, lookups and heartbeats.
    """

    def __init__(
        self,
        ironic_url: str,
        node_uuid: str,
        *,
        is_powered_on: Callable[[], bool],
        power_off: Callable[[], None] | None = None,
        interval: float = 0.2,
    ) -> None:
        self.ironic_url = ironic_url.rstrip("/")
        self.node_uuid = node_uuid
        self.is_powered_on = is_powered_on
        self.power_off = power_off
        self.interval = interval
        self.disk: dict[str, str] | None = None
        self.erase_count = 0
        self.boot_count = 0
        self.received: list[str] = []  # every command name Ironic sent, in order
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._alive = False
        self._token: str | None = None
        self._commands: list[dict[str, Any]] = []
        self._failures: dict[str, str] = {}
        self._lookup_delay = interval
        self._next_lookup = 0.0
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _command_handler(self))
        self._threads: list[threading.Thread] = []

    @property
    def callback_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        for target in (self._server.serve_forever, self._live):
            thread = threading.Thread(target=target, name=f"agent-{self.node_uuid}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=_TIMEOUT)

    def fail_next_step(self, step: str, message: str) -> None:
        """The next run of ``step`` (e.g. ``write_image``) fails with ``message``."""
        with self._lock:
            self._failures[step] = message

    # -- the ramdisk's life: boot, look up, heartbeat, die -----------------------------------

    def _live(self) -> None:
        while not self._stopping.is_set():
            try:
                self._tick()
            except requests.RequestException as error:
                LOG.debug("Emulated agent of node %s: %s", self.node_uuid, error)
            self._wake.wait(self.interval)
            self._wake.clear()

    def _tick(self) -> None:
        powered = self.is_powered_on()
        with self._lock:
            if powered and not self._alive:
                self._boot()
            elif not powered and self._alive:
                LOG.debug("Emulated agent of node %s: server off, agent gone", self.node_uuid)
                self._alive = False
            if not self._alive:
                return
            token = self._token
        if token is None:
            self._lookup()
        else:
            self._heartbeat(token)

    def _boot(self) -> None:
        self._alive = True
        self._token = None
        self._commands = []
        self._lookup_delay = self.interval
        self._next_lookup = 0.0
        self.boot_count += 1

    def _lookup(self) -> None:
        """Look the node up; refused lookups back off to ``5 * interval`` (as IPA backs off:
        each refusal is an ERROR line in Ironic's log)."""
        if time.monotonic() < self._next_lookup:
            return
        response = requests.get(
            f"{self.ironic_url}/v1/lookup",
            params={"node_uuid": self.node_uuid},
            headers={"X-OpenStack-Ironic-API-Version": IRONIC_API_VERSION},
            timeout=_TIMEOUT,
        )
        token = None
        if response.status_code == HTTPStatus.OK:
            token = response.json()["config"].get("agent_token")
        if token in (None, MASKED_TOKEN):
            # Not waiting for an agent, or already holding another boot's token (the
            # server booted the instance, not the ramdisk, while the node was deploying).
            self._next_lookup = time.monotonic() + self._lookup_delay
            self._lookup_delay = min(2 * self._lookup_delay, 5 * self.interval)
            return
        with self._lock:
            self._token = token
        self._wake.set()  # heartbeat at once

    def _heartbeat(self, token: str) -> None:
        response = requests.post(
            f"{self.ironic_url}/v1/heartbeat/{self.node_uuid}",
            json={
                "callback_url": self.callback_url,
                "agent_token": token,
                "agent_version": AGENT_VERSION,
            },
            headers={"X-OpenStack-Ironic-API-Version": IRONIC_API_VERSION},
            timeout=_TIMEOUT,
        )
        if response.status_code in (HTTPStatus.ACCEPTED, HTTPStatus.CONFLICT):
            return
        if response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
            # Ironic wiped the token: the server was rebooted under the agent's feet.
            LOG.debug("Emulated agent of node %s: heartbeat refused, rebooting", self.node_uuid)
            with self._lock:
                self._boot()

    # -- commands --------------------------------------------------------------------------

    def token_valid(self, token: str | None) -> bool:
        with self._lock:
            return self._alive and token is not None and token == self._token

    def command_list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(command) for command in self._commands]

    def run(self, name: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Run one command from Ironic; ``(HTTP status, body)``."""
        self.received.append(name)
        method = name.partition(".")[2]
        with self._lock:
            if any(c["command_status"] == CommandStatus.RUNNING for c in self._commands):
                return HTTPStatus.CONFLICT, {"faultstring": f"Agent is busy; {name} refused"}
        if name in ("clean.execute_clean_step", "deploy.execute_deploy_step"):
            return HTTPStatus.OK, self._start_step(name, params["step"])
        answer = self._answer(name, params)
        if answer is _UNKNOWN:
            return HTTPStatus.BAD_REQUEST, {"faultstring": f"Unknown command: {name}"}
        if name == "standby.power_off" and self.power_off is not None:
            threading.Thread(target=self.power_off, daemon=True).start()
        return HTTPStatus.OK, self._record(method, CommandStatus.SUCCEEDED, answer)

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "clean.get_clean_steps":
            return {
                "clean_steps": {HARDWARE_MANAGER: CLEAN_STEPS},
                "hardware_manager_version": HARDWARE_MANAGER_VERSION,
            }
        if name == "deploy.get_deploy_steps":
            return {
                "deploy_steps": {HARDWARE_MANAGER: DEPLOY_STEPS},
                "hardware_manager_version": HARDWARE_MANAGER_VERSION,
            }
        if name == "standby.get_partition_uuids":
            return {"root uuid": None}
        if name == "log.collect_system_logs":
            return {"system_logs": ""}
        if name in ("image.install_bootloader", "standby.sync", "standby.power_off"):
            return None
        return _UNKNOWN

    def _record(self, method: str, status: str, result: Any = None, error: Any = None) -> dict:
        command = {
            "id": str(uuid.uuid4()),
            "command_name": method,
            "command_status": status,
            "command_result": result,
            "command_error": error,
        }
        with self._lock:
            self._commands.append(command)
        return dict(command)

    def _start_step(self, name: str, step: dict[str, Any]) -> dict[str, Any]:
        kind, _, method = name.partition(".")
        command = self._record(method, CommandStatus.RUNNING)
        thread = threading.Thread(
            target=self._finish_step, args=(command["id"], kind, step), daemon=True
        )
        thread.start()
        return command

    def _finish_step(self, command_id: str, kind: str, step: dict[str, Any]) -> None:
        try:
            output = self._execute(step)
        except StepFailed as error:
            message = str(error)
            changes = {
                "command_status": CommandStatus.FAILED,
                "command_error": {
                    "type": "StepFailed",
                    "code": 500,
                    "message": message,
                    "details": message,
                },
            }
        else:
            changes = {
                "command_status": CommandStatus.SUCCEEDED,
                "command_result": {f"{kind}_result": output, f"{kind}_step": step},
            }
        with self._lock:
            for command in self._commands:
                if command["id"] == command_id:
                    command.update(changes)
        self._wake.set()  # as IPA does: heartbeat as soon as a step is done

    def _execute(self, step: dict[str, Any]) -> Any:
        name = step.get("step", "")
        with self._lock:
            failure = self._failures.pop(name, None)
        if failure is not None:
            raise StepFailed(failure)
        if name == "erase_devices_metadata":
            self.erase_count += 1
            return None
        if name == "write_image":
            self.disk = _download(step["args"]["image_info"])
            return None
        raise StepFailed(f"The emulated agent has no step {name!r}; it has write_image, "
                         "erase_devices_metadata")  # fmt: skip


_UNKNOWN = object()


def _download(image_info: dict[str, Any]) -> dict[str, str]:
    """Fetch the image and check its hash; what is now "on the disk"."""
    url = image_info["urls"][0]
    algorithm = image_info.get("os_hash_algo") or "md5"
    expected = image_info.get("os_hash_value") or image_info.get("checksum")
    try:
        response = requests.get(url, timeout=_TIMEOUT)
        response.raise_for_status()
    except requests.RequestException as error:
        raise StepFailed(f"Image download from {url} failed: {error}") from error
    actual = hashlib.new(algorithm, response.content).hexdigest()
    if expected != actual:
        raise StepFailed(
            f"Image {url}: {algorithm} checksum mismatch, expected {expected}, got {actual}"
        )
    return {"url": url, "sha256": hashlib.sha256(response.content).hexdigest()}


def _command_handler(agent: EmulatedAgent) -> type[BaseHTTPRequestHandler]:
    class CommandHandler(_JsonHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self._authorized():
                self.send_json(HTTPStatus.OK, {"commands": agent.command_list()})

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            if self._authorized():
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                status, answer = agent.run(body.get("name", ""), body.get("params") or {})
                self.send_json(status, answer)

        def _authorized(self) -> bool:
            url = urlsplit(self.path)
            if url.path.rstrip("/") != "/v1/commands":
                self.send_json(HTTPStatus.NOT_FOUND, {"faultstring": f"No {url.path} here"})
                return False
            token = parse_qs(url.query).get("agent_token", [None])[0]
            if not agent.token_valid(token):
                self.send_json(
                    HTTPStatus.UNAUTHORIZED,
                    {"faultcode": "Client", "faultstring": "Token invalid."},
                )
                return False
            return True

    return CommandHandler


class _JsonHandler(BaseHTTPRequestHandler):
    def send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        LOG.debug("%s %s", self.address_string(), format % args)
