"""``/sim/agents``: the virtual agents as an operator sees and steers them."""

from __future__ import annotations

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

bp = Blueprint()

OP = Access.OPERATOR


@bp.get("/sim/agents", OP)
def list_agents(ctx: Ctx) -> Reply:
    """Settings, live agents, what was written on disks, failures and silent agents."""
    return Reply(200, ctx.appliance.agents.describe())


@bp.get("/sim/agents/config", OP)
def get_agent_config(ctx: Ctx) -> Reply:
    """The agents' settings: Ironic URL, heartbeat interval, command latencies, listener."""
    return Reply(200, ctx.appliance.agents.describe_config())


@bp.put("/sim/agents/config", OP)
def put_agent_config(ctx: Ctx) -> Reply:
    """Change ironic_url (null: agents off), heartbeat_interval or command_latency."""
    ctx.appliance.agents.configure(ctx.json_object())
    return Reply(200, ctx.appliance.agents.describe_config())


@bp.get("/sim/agents/failures", OP)
def list_agent_failures(ctx: Ctx) -> Reply:
    """The injected command and step failures still to happen."""
    return Reply(200, ctx.appliance.agents.failures.describe())


@bp.post("/sim/agents/failures", OP)
def add_agent_failure(ctx: Ctx) -> Reply:
    """The next ``times`` runs of ``command`` (a command or step name) fail with ``message``."""
    failure = ctx.appliance.agents.failures.add(ctx.json_object())
    return Reply(201, failure.describe())


@bp.delete("/sim/agents/failures", OP)
def clear_agent_failures(ctx: Ctx) -> Reply:
    """Forget every injected failure."""
    ctx.appliance.agents.failures.clear()
    return Reply(204)


@bp.delete("/sim/agents/failures/{id}", OP)
def remove_agent_failure(ctx: Ctx) -> Reply:
    """Forget one injected failure."""
    if not ctx.appliance.agents.failures.remove(ctx.params["id"]):
        raise ApiError(404, "RESOURCE_NOT_FOUND", f"No agent failure with id {ctx.params['id']!r}.")
    return Reply(204)


@bp.get("/sim/agents/{id}", OP)
def get_agent(ctx: Ctx) -> Reply:
    """One server: its live agent (commands included), its disk and its last boots."""
    return Reply(200, ctx.appliance.agents.describe_server(_server_uri(ctx)))


@bp.post("/sim/agents/{id}/silent", OP)
def silence_agent(ctx: Ctx) -> Reply:
    """The server's agent never looks up nor heartbeats (now, and after its next boots)."""
    return _set_silent(ctx, True)


@bp.delete("/sim/agents/{id}/silent", OP)
def unsilence_agent(ctx: Ctx) -> Reply:
    """The server's agent speaks again."""
    return _set_silent(ctx, False)


def _set_silent(ctx: Ctx, silent: bool) -> Reply:
    uri = _server_uri(ctx)
    ctx.appliance.agents.set_silent(ctx.params["id"], silent)
    return Reply(200, ctx.appliance.agents.describe_server(uri))


def _server_uri(ctx: Ctx) -> str:
    uri = f"/rest/server-hardware/{ctx.params['id']}"
    ctx.appliance.store.require(uri)
    return uri
