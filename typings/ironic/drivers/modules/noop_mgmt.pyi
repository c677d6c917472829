from typing import Any

from ironic.drivers import base

class NoopManagement(base.ManagementInterface): ...

def __getattr__(name: str) -> Any: ...
