"""The daemon as a service: graceful SIGTERM, /healthz, /metrics, configuration errors."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from oneview_openstack.testing.service_process import console_script, write_ini

from .helpers import SY660, Env, popen_of

pytestmark = pytest.mark.functional


def test_health_metrics_and_graceful_stop(env: Env) -> None:
    # settle_timeout counts in /healthz's allowed age (3 x interval + settle_timeout)
    daemon = env.daemon(
        "service", [SY660], settle_timeout=4, sections={"oneview": {"request_retries": 0}}
    )
    daemon.wait_cycles(2)
    status, body = daemon.health()
    assert status == 200 and body["status"] == "ok", body

    values = daemon.metrics()
    assert values['ironic_oneviewd_cycles_total{result="ok"}'] >= 2
    assert values["ironic_oneviewd_oneview_requests_total"] > 0
    assert values["ironic_oneviewd_ironic_requests_total"] > 0
    assert values["ironic_oneviewd_servers"] == 6
    assert values['ironic_oneviewd_nodes{state="available"}'] == 6
    assert values['ironic_oneviewd_enrollments_total{result="created"}'] == 6
    assert values["ironic_oneviewd_cycle_seconds_count"] >= 2

    # OneView unreachable: every /rest request answers 503
    env.sim.operator.add_fault("/rest/*", status=503, message="appliance restarting")
    started = time.monotonic()
    env.wait(lambda: daemon.health()[0] == 503, "/healthz 503 with OneView down", 30)
    status, body = daemon.health()
    print(f"/healthz 503 {time.monotonic() - started:.1f} s after OneView went down: {body}")
    assert "OneView" in (body["last_error"] or ""), body
    failed = daemon.metrics()
    assert failed['ironic_oneviewd_cycles_total{result="failed"}'] >= 1
    assert failed['ironic_oneviewd_errors_total{kind="oneview"}'] >= 1

    env.sim.operator.clear_faults()
    env.wait(lambda: daemon.health()[0] == 200, "/healthz 200 once OneView is back", 30)

    process = popen_of(daemon)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(15)
    seconds = time.monotonic() - started
    assert code == 0
    assert seconds < 10, seconds
    assert "ironic-oneviewd stopped after" in daemon.log_text()
    print(f"SIGTERM: exit 0 after {seconds:.1f} s")


def test_no_templates_is_a_configuration_error(env: Env) -> None:
    config = write_ini(
        env.workdir / "bad.conf",
        {
            "daemon": {"templates": ""},
            "ironic": {"auth_type": "none", "endpoint_override": env.ironic.url},
            "oneview": {"manager_url": env.sim.url},
        },
    )
    result = subprocess.run(  # noqa: S603 - the venv's console script
        [console_script("ironic-oneviewd"), "--config-file", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result
    assert "[daemon] templates" in result.stdout + result.stderr
