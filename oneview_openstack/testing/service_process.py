"""A server subprocess on loopback: start it with its output in a log file, wait until a
probe says it is ready, and stop it (its whole process group) when done."""

from __future__ import annotations

import configparser
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

LOG = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class ServiceStartError(RuntimeError):
    """A service did not become ready; the message carries the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file ('' when it does not exist yet)."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def run_checked(name: str, argv: Sequence[str], log_path: Path, **kwargs: Any) -> None:
    """Run a setup command to completion, appending its output to ``log_path``."""
    with log_path.open("ab") as log:
        result = subprocess.run(  # noqa: S603 - argv is built by the harness, not from input
            list(argv), stdout=log, stderr=subprocess.STDOUT, check=False, **kwargs
        )
    if result.returncode != 0:
        raise ServiceStartError(
            f"{name}: {argv[0]} exited with {result.returncode}; "
            f"last lines of {log_path}:\n{log_tail(log_path)}"
        )


class Startable:
    """``start()``/``stop()`` and a ``with`` block that calls them."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def terminate(self) -> None:
        """Begin stopping, without waiting: :meth:`stop` then waits. Lets a caller stop many
        services in the time of the slowest (SIGTERM to each, then wait for each), not in
        the sum of their times. Nothing to do by default."""

    def __enter__(self) -> Self:
        """Start; a start that fails or is interrupted (Ctrl-C) stops what it began."""
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class ServiceHarness(Startable):
    """What every service harness shares: stop, the ``with`` block and the log.

    A subclass's ``start()`` creates and starts ``self._process``.
    """

    log_path: Path
    _process: ServiceProcess | None = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def terminate(self) -> None:
        if self._process is not None:
            self._process.terminate()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


class ServiceProcess:
    """One long-running server process and its log file."""

    def __init__(
        self, name: str, argv: Sequence[str], log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = env
        self._proc: subprocess.Popen[bytes] | None = None
        self._terminated_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        with self.log_path.open("ab") as log, _interrupts_held():
            # A new session, so that stop() can end the workers the server forks, too.
            self._proc = subprocess.Popen(  # noqa: S603 - argv is built by the harness
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )
        self._terminated_at = None
        LOG.debug("%s started, pid %s, log %s", self.name, self._proc.pid, self.log_path)

    def wait_ready(
        self,
        probe: Callable[[], bool],
        timeout: float,
        failure: Callable[[], str | None] = lambda: None,
    ) -> float:
        """Poll ``probe`` until it returns True; return the seconds it took.

        ``failure`` may report a fatal condition seen early (a log line) so a broken
        start fails at once instead of at the timeout. Any failure raises
        :class:`ServiceStartError` with the log tail.
        """
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if not self.is_running():
                self._fail(f"exited with {self._proc.returncode if self._proc else None}")
            reason = failure()
            if reason:
                self._fail(reason)
            if probe():
                return time.monotonic() - started
            if time.monotonic() > deadline:
                self._fail(f"was not ready after {timeout:.0f} s")
            time.sleep(0.1)

    def _fail(self, reason: str) -> None:
        # A server that failed to start often ignores SIGTERM (Ironic does): no grace.
        self.kill()
        raise ServiceStartError(
            f"{self.name} {reason}; last lines of {self.log_path}:\n{log_tail(self.log_path)}"
        )

    def kill(self) -> None:
        """SIGKILL the process group at once."""
        proc, self._proc = self._proc, None
        if proc is not None:
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()

    def terminate(self) -> None:
        """SIGTERM the process group (once) without waiting; :meth:`stop` waits."""
        if self._terminated_at is None and self._proc is not None and self.is_running():
            _signal_group(self._proc.pid, signal.SIGTERM)
            self._terminated_at = time.monotonic()

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group (unless :meth:`terminate` did), then SIGKILL what is
        left ``timeout`` s after the SIGTERM."""
        self.terminate()
        proc, self._proc = self._proc, None
        terminated_at, self._terminated_at = self._terminated_at, None
        if proc is None:
            return
        if terminated_at is not None:
            try:
                proc.wait(max(0.0, terminated_at + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                LOG.warning("%s did not stop within %.0f s, killing it", self.name, timeout)
        # Workers may outlive a master that exited; the group id is the master's pid.
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a child is spawned, then raise them again.

    A Ctrl-C inside ``Popen`` (after the fork) would lose the child's pid: the server would
    run on, in its own session, with nothing left to stop it. Held here, the child is either
    recorded (and stopped by whoever catches the interrupt) or never started. The handlers
    are Python's, not the signal mask, so the child does not inherit a blocked signal.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, _: received.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for signum in received:
            signal.raise_signal(signum)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def cache_dir() -> Path:
    """Where expensive, version-keyed test artifacts are kept between runs.

    ``$ONEVIEW_TEST_CACHE`` when set, else a directory in the system temp dir.
    """
    configured = os.environ.get("ONEVIEW_TEST_CACHE")
    base = Path(configured) if configured else Path(tempfile.gettempdir()) / "oneview-test-cache"
    base.mkdir(parents=True, exist_ok=True)
    return base


def cached_file(name: str, build: Callable[[Path], None]) -> Path:
    """The file ``name`` in :func:`cache_dir`, made by ``build(path)`` when missing.

    ``name`` must change whenever the content would (put versions in it). The file is built
    in a scratch directory and renamed into place, so concurrent runs never see half a file.
    """
    target = cache_dir() / name
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(dir=target.parent, prefix="build-") as scratch:
        built = Path(scratch) / name
        build(built)
        os.replace(built, target)
    return target


def console_script(name: str) -> str:
    """Path of a console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"console script {name!r} is neither beside {sys.executable} nor on PATH; "
            "install the project with its 'ironic' and 'neutron' extras"
        )
    return found


def write_ini(path: Path, sections: Mapping[str, Mapping[str, object]]) -> Path:
    """Write an oslo.config file: lists comma-joined, booleans ``true``/``false``.

    Comments are never written on a value's line: oslo.config would keep them in the value.
    """
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep key case
    for section, options in sections.items():
        parser[section] = {key: ini_value(value) for key, value in options.items()}
    with path.open("w") as handle:
        parser.write(handle)
    return path


def ini_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path | int | float):
        return str(value)
    if isinstance(value, Iterable):
        return ",".join(str(item) for item in value)
    raise TypeError(f"config value {value!r}: expected a str, number, bool, path or list")
