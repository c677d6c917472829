from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

def require_exclusive_lock(f: _F) -> _F: ...

class TaskManager:
    context: Any
    node: Any
    ports: list[Any]
    portgroups: list[Any]
    volume_targets: list[Any]
    driver: Any
    shared: bool
    node_id: str
    def upgrade_lock(self, purpose: str | None = None, retry: bool | None = None) -> None: ...
    def spawn_after(self, _spawn_method: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...
    def process_event(
        self,
        event: str,
        callback: Any = None,
        call_args: Any = None,
        call_kwargs: Any = None,
        err_handler: Any = None,
        target_state: str | None = None,
        last_error: str | None = None,
    ) -> None: ...
    def release_resources(self) -> None: ...
    def __enter__(self) -> TaskManager: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

def acquire(
    context: Any,
    node_id: Any,
    shared: bool = False,
    purpose: str = ...,
    retry: bool = True,
    patient: bool = False,
    load_driver: bool = True,
) -> TaskManager: ...
