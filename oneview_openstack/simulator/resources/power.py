"""Server power: the §11.4 matrix, power tasks, and the physical power button.

A power request is a task: the server shows ``PoweringOn``/``PoweringOff``/
``Resetting`` while it runs, and the target state when it completes. While a
profile is applied, edited or removed the appliance holds ``powerLock`` and
refuses every power request with 409 ``POWER_CONTROL_NOT_ALLOWED``.

What runs on a server (the virtual agents) hears of it through the appliance's
``power_watchers``: a server *boots* when it comes on (from Off, or at the end of
a reset) from the device ``boot.boot_device`` names, and *stops* when it goes
off or a reset begins.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import boot
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

POWER_JOB = "server-hardware.power"


class PowerState(enum.StrEnum):
    ON = "On"
    OFF = "Off"
    POWERING_ON = "PoweringOn"
    POWERING_OFF = "PoweringOff"
    RESETTING = "Resetting"
    UNKNOWN = "Unknown"


class PowerControl(enum.StrEnum):
    MOMENTARY_PRESS = "MomentaryPress"
    PRESS_AND_HOLD = "PressAndHold"
    COLD_BOOT = "ColdBoot"
    RESET = "Reset"


class PowerWatcher(Protocol):
    """Hears servers boot and stop (``Appliance.power_watchers``)."""

    def server_booted(self, server_uri: str, device: str | None) -> None:
        """``server_uri`` came on and boots from ``device`` (see ``boot.boot_device``)."""

    def server_stopped(self, server_uri: str) -> None:
        """``server_uri`` went off, or a reset began: what ran on it is gone."""


TRANSITIONAL = frozenset({PowerState.POWERING_ON, PowerState.POWERING_OFF, PowerState.RESETTING})
INVALID_REQUEST_ACTION = (
    "Change the power control request specifying an operation and target power state "
    "appropriate to the present server power state."
)


@dataclass(frozen=True)
class PowerPlan:
    """What a valid request does: the state shown meanwhile, the end state, how long."""

    task_name: str
    during: PowerState | None  # None: nothing changes (already in the requested state)
    target: PowerState
    seconds: float
    steps: tuple[str, ...] = ()


def parse_request(body: Any) -> tuple[PowerState, PowerControl]:
    """``{"powerState": "On"|"Off", "powerControl": ...}``; powerControl defaults to
    MomentaryPress (Ironic sends ``{"powerState": "On"}`` alone)."""
    if not isinstance(body, dict):
        raise _invalid("The power request body must be a JSON object.", "body", body)
    state = body.get("powerState")
    if state not in (PowerState.ON, PowerState.OFF):
        raise _invalid("The requested power state is not valid.", "powerState", state, "On, Off")
    control = body.get("powerControl") or PowerControl.MOMENTARY_PRESS
    if control not in set(PowerControl):
        allowed = ", ".join(c.value for c in PowerControl)
        raise _invalid(
            "The requested power control is not valid.", "powerControl", control, allowed
        )
    return PowerState(state), PowerControl(control)


def plan(server: dict[str, Any], state: PowerState, control: PowerControl) -> PowerPlan:
    """Apply the matrix to the server's present power state, or raise its error."""
    if server.get("powerLock"):
        raise power_locked(server)
    current = server.get("powerState")
    if current in TRANSITIONAL:
        raise ApiError(
            409,
            "POWER_CONTROL_NOT_ALLOWED",
            f"A power operation is already in progress on {_label(server)}.",
            details=f"powerState is {current}; wait for the running power task to complete.",
            recommended_actions=["Try the operation later after the power operation completes."],
        )
    is_on = current == PowerState.ON
    key = (state, control)
    if key == (PowerState.ON, PowerControl.MOMENTARY_PRESS):
        if is_on:
            return PowerPlan("Power on", None, PowerState.ON, 0.0)
        return PowerPlan(
            "Power on", PowerState.POWERING_ON, PowerState.ON, 10.0, ("Power on server.",)
        )
    if state is PowerState.OFF and control in (
        PowerControl.MOMENTARY_PRESS,
        PowerControl.PRESS_AND_HOLD,
    ):
        if not is_on:
            return PowerPlan("Power off", None, PowerState.OFF, 0.0)
        graceful = control is PowerControl.MOMENTARY_PRESS
        return PowerPlan(
            "Power off",
            PowerState.POWERING_OFF,
            PowerState.OFF,
            15.0 if graceful else 5.0,
            ("Request an operating system shutdown.",) if graceful else ("Power off server.",),
        )
    if key == (PowerState.ON, PowerControl.COLD_BOOT):
        if not is_on:
            raise _off_error("COLDBOOT", "cold boot", "boot")
        steps = ("Power off server.", "Power on server.")
        return PowerPlan("Cold boot", PowerState.RESETTING, PowerState.ON, 16.0, steps)
    if key == (PowerState.ON, PowerControl.RESET):
        if not is_on:
            raise _off_error("RESET", "reset", "reset")
        return PowerPlan("Reset", PowerState.RESETTING, PowerState.ON, 10.0, ("Reset server.",))
    raise ApiError(
        400,
        "INVALID_POWER_CONTROL_REQUEST",
        f"The power control request {control.value} with power state {state.value} is not valid.",
        details=(
            "Valid combinations: On+MomentaryPress, Off+MomentaryPress, Off+PressAndHold, "
            "On+ColdBoot, On+Reset."
        ),
        recommended_actions=[INVALID_REQUEST_ACTION],
    )


def request_power(ctx: Ctx, server: dict[str, Any], body: Any) -> Reply:
    """A power request (PUT powerState, PATCH /powerState): 202 and its task, or the error."""
    state, control = parse_request(body)
    power = plan(server, state, control)
    uri = server["uri"]
    params = {
        "server": uri,
        "target": power.target.value,
        "from": server.get("powerState"),
        "boots": power.target is PowerState.ON and power.during is not None,
    }
    if power.during is not None:
        ctx.appliance.store.update(uri, {"powerState": power.during.value})
    if power.during is PowerState.RESETTING:
        _stopped(ctx.appliance, uri)
    return ctx.start_task(
        POWER_JOB,
        params,
        name=power.task_name,
        status=f"{power.task_name} Server: {server.get('name')}",
        resource_uri=uri,
        resource_category="server-hardware",
        resource_name=server.get("name"),
        duration=power.seconds,
    )


@bp.job(POWER_JOB, duration=10.0, steps=["Power control request sent.", "Power state changed."])
def _finish_power(appliance: Appliance, params: dict[str, Any]) -> None:
    server = appliance.store.get(params["server"])
    if server is None:
        return
    changes: dict[str, Any] = {"powerState": params["target"]}
    device = boot.boot_device(appliance.store, server)
    if params.get("boots"):
        changes.update(_boot_consumes_one_time_device(appliance, params["server"]))
    appliance.store.update(params["server"], changes)
    if params["target"] == PowerState.OFF:
        _stopped(appliance, params["server"])
    elif params.get("boots"):
        _booted(appliance, params["server"], device)


def _boot_consumes_one_time_device(appliance: Appliance, server_uri: str) -> dict[str, Any]:
    """A server that boots uses its one-time boot device once, as iLO does."""
    server = appliance.store.require(server_uri)
    return {"oneTimeBoot": "Normal"} if server.get("oneTimeBoot") not in (None, "Normal") else {}


@bp.on_fail(POWER_JOB)
def _undo_power(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    """A failed request (e.g. the OS ignored a MomentaryPress) leaves the power as it was."""
    if appliance.store.get(params["server"]) is not None:
        appliance.store.update(params["server"], {"powerState": params["from"] or "Unknown"})


def press_button(appliance: Appliance, server_uri: str, hold: bool) -> None:
    """A person at the server presses its power button: no task, no power lock.

    A press turns an Off server on; a press of a running server asks the OS to
    shut down and, like holding the button, ends with the server Off.
    """
    server = appliance.store.require(server_uri)
    current = server.get("powerState")
    if current in (PowerState.ON, PowerState.POWERING_ON, PowerState.RESETTING):
        target = PowerState.OFF
    elif hold:
        target = PowerState(current) if current in set(PowerState) else PowerState.OFF
    else:
        target = PowerState.ON
    changes: dict[str, Any] = {"powerState": target.value}
    device = boot.boot_device(appliance.store, server)
    if target is PowerState.ON:
        changes.update(_boot_consumes_one_time_device(appliance, server_uri))
    appliance.store.update(server_uri, changes)
    if target is PowerState.ON and current != PowerState.ON:
        _booted(appliance, server_uri, device)
    elif target is PowerState.OFF:
        _stopped(appliance, server_uri)


def shut_down(appliance: Appliance, server_uri: str) -> None:
    """The operating system on the server powers it off (``poweroff``): Off at once, no task.

    What a ramdisk does on ``standby.power_off``; OneView only sees the power state change.
    """
    server = appliance.store.get(server_uri)
    if server is None or server.get("powerState") not in (PowerState.ON, PowerState.POWERING_OFF):
        return
    appliance.store.update(server_uri, {"powerState": PowerState.OFF.value})
    _stopped(appliance, server_uri)


def _booted(appliance: Appliance, server_uri: str, device: str | None) -> None:
    for watcher in appliance.power_watchers:
        watcher.server_booted(server_uri, device)


def _stopped(appliance: Appliance, server_uri: str) -> None:
    for watcher in appliance.power_watchers:
        watcher.server_stopped(server_uri)


def power_locked(server: dict[str, Any]) -> ApiError:
    return ApiError(
        409,
        "POWER_CONTROL_NOT_ALLOWED",
        f"Power control of {_label(server)} is not allowed while its server profile "
        "is being configured.",
        details=f"{server['uri']} has powerLock set (state {server.get('state')}).",
        recommended_actions=[
            "Try the operation later after the profile configuration has completed."
        ],
    )


def _off_error(code: str, verb: str, action: str) -> ApiError:
    return ApiError(
        400,
        f"INVALID_POWER_CONTROL_REQUEST_POWER_{code}_OFF",
        f"Unable to {verb} because the server is currently off.",
        details=f"A {verb} request needs the server to be On.",
        recommended_actions=[f"Power the server on to {action} the server."],
    )


def _invalid(message: str, field: str, value: Any, allowed: str = "") -> ApiError:
    details = f"Field {field}: {value!r} is not valid."
    if allowed:
        details += f" Allowed values: {allowed}."
    error = bad_request("INVALID_POWER_CONTROL_REQUEST", message, details)
    error.recommended_actions = [INVALID_REQUEST_ACTION]
    return error


def _label(server: dict[str, Any]) -> str:
    return f"server hardware {server.get('name')!r}"
