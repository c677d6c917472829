from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

class Stop(Exception): ...

def periodic(spacing: Any, enabled: Any = True, **kwargs: Any) -> Callable[[_F], _F]: ...
def node_periodic(
    purpose: str,
    spacing: Any,
    enabled: Any = True,
    filters: dict[str, Any] | None = None,
    predicate: Callable[..., bool] | None = None,
    predicate_extra_fields: Iterable[str] = (),
    limit: Any = None,
    shared_task: bool = True,
    node_count_metric_name: str | None = None,
) -> Callable[[_F], _F]: ...
