from typing import Any

CONF: Any
