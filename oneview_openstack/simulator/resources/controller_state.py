"""``GET /controller-state.json``: what HPE's tools probe before they log in.

Outside ``/rest`` and public (no session, no X-API-Version). A real appliance answers
``{"state": "OK", "usingAddr": "<its address>"}`` once it is up (the shape of the
oneview-redfish-toolkit's recorded ``ApplianceState`` sample); the simulator is up
whenever it answers.
"""

from __future__ import annotations

from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()


@bp.get("/controller-state.json", Access.PUBLIC)
def get_controller_state(ctx: Ctx) -> Reply:
    """The appliance's state (``OK`` once it serves the API) and the address it answers on."""
    host = ctx.headers.get("host", "")
    address = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return Reply(
        200, {"state": "OK", "usingAddr": address.strip("[]") or ctx.appliance.config.host}
    )
