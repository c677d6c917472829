"""The agents' HTTP listener: where Ironic sends commands (plain HTTP, one port for all).

An agent's ``callback_url`` is ``http://<host>:<agent port>/agents/<server-id>``;
Ironic appends ``/v1/commands/``:

- ``POST /agents/<id>/v1/commands/?wait=true|false&agent_token=...`` with
  ``{"name": "<extension>.<method>", "params": {...}}``: the command's result;
- ``GET /agents/<id>/v1/commands/?agent_token=...``: ``{"commands": [...]}``, every
  command since the agent booted, oldest first.

Errors are ironic-python-agent's: ``{"faultcode", "faultstring"}`` with 401 (wrong
token), 404 (no such server, or no agent running on it), 409 (busy) or 400 (unknown
command).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs

import orjson

from oneview_openstack.simulator.agents.commands import AgentRefusal
from oneview_openstack.simulator.agents.fleet import Agents
from oneview_openstack.simulator.asgi import Receive, Scope, Send, read_body

LOG = logging.getLogger(__name__)


COMMANDS_PATH = re.compile(r"^/agents/(?P<server>[^/]+)/v1/commands/?$")


class AgentListener:
    """ASGI app serving every virtual agent's command API."""

    def __init__(self, agents: Agents) -> None:
        self.agents = agents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        try:
            status, answer = await self._handle(scope, body)
        except AgentRefusal as refusal:
            status, answer = refusal.status, refusal.body()
        except Exception:
            LOG.exception("Agent listener: %s %s failed", scope["method"], scope["path"])
            status, answer = 500, {"faultcode": "Server", "faultstring": "Internal error."}
        data = orjson.dumps(answer)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def _handle(self, scope: Scope, body: bytes) -> tuple[int, Any]:
        found = COMMANDS_PATH.match(scope["path"])
        if found is None:
            raise AgentRefusal(404, f"No agent API at {scope['path']}.")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = query.get("agent_token", [None])[0]
        agent = self.agents.authorized(found["server"], token)
        if scope["method"] == "GET":
            return 200, {"commands": [command.describe() for command in agent.commands]}
        if scope["method"] != "POST":
            raise AgentRefusal(405, f"{scope['method']} is not allowed on {scope['path']}.")
        try:
            request = orjson.loads(body or b"{}")
        except orjson.JSONDecodeError as error:
            raise AgentRefusal(400, f"Invalid command: the body is not JSON: {error}") from error
        wait = query.get("wait", ["false"])[0].lower() == "true"
        return 200, await self.agents.run_command(agent, request, wait)
