"""The daemon's loop: a cycle every ``interval`` seconds until SIGTERM or SIGINT.

On a stop signal the current cycle finishes the servers and moves it has begun (a node is
never left half-enrolled), starts nothing new, and the instance leaves its coordination
group, so the others take its servers at once instead of after its heartbeat expires.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

from oneview_openstack import client
from oneview_openstack.daemon.cycle import Cycle
from oneview_openstack.daemon.metrics import Health, Metrics
from oneview_openstack.daemon.ring import Membership, MembershipError
from oneview_openstack.enrollment import EnrollmentError
from oneview_openstack.enrollment.run import IRONIC_ERRORS

LOG = logging.getLogger(__name__)


class Daemon:
    def __init__(
        self,
        cycle: Cycle,
        membership: Membership,
        metrics: Metrics,
        health: Health,
        interval: float,
        stop: threading.Event,
    ) -> None:
        self.cycle = cycle
        self.membership = membership
        self.metrics = metrics
        self.health = health
        self.interval = interval
        self.stop = stop
        self.cycles = 0

    def install_signal_handlers(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            LOG.info("%s: finishing the current step, then stopping", signal.Signals(signum).name)
            self.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                started = time.monotonic()
                self.run_cycle()
                self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            self.membership.stop()
            LOG.info("ironic-oneviewd stopped after %d cycle(s)", self.cycles)

    def run_cycle(self) -> bool:
        """One cycle, its log line and metrics; False when it failed (logged)."""
        self.cycles += 1
        started = time.monotonic()
        try:
            report = self.cycle.run()
        except MembershipError as error:
            return self._failed("coordination", f"cycle {self.cycles} skipped: {error}")
        except client.OneViewError as error:
            return self._failed("oneview", f"cycle {self.cycles}: OneView: {error}")
        except (EnrollmentError, *IRONIC_ERRORS) as error:
            return self._failed("ironic", f"cycle {self.cycles}: {error}")
        finally:
            self.metrics.cycle_seconds.observe(time.monotonic() - started)
        self.metrics.cycles.labels("ok").inc()
        self.metrics.last_success.set_to_current_time()
        self.health.success()
        LOG.info("Cycle %d: %s", self.cycles, report.line())
        return True

    def _failed(self, kind: str, message: str) -> bool:
        LOG.error("%s", message)
        self.metrics.cycles.labels("failed").inc()
        self.metrics.errors.labels(kind).inc()
        self.health.failure(message)
        return False
