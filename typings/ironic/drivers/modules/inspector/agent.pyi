from typing import Any

from ironic.drivers import base

class AgentInspect(base.InspectInterface): ...

def __getattr__(name: str) -> Any: ...
