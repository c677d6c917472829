from typing import Any

from ironic.drivers import base
from ironic.drivers.modules.agent import AgentBaseMixin, HeartbeatMixin

class RamdiskDeploy(AgentBaseMixin, HeartbeatMixin, base.DeployInterface): ...

def __getattr__(name: str) -> Any: ...
