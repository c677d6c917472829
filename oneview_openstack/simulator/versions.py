"""API versions: the X-API-Version header, and rendering documents per version.

Documents are stored once, in the newest shape. A renderer registered for a
category (``Blueprint.renderer``) turns a stored document into what a client of a given API version
receives (``type`` strings, ``connections`` vs ``connectionSettings``, ...).
Renderers never modify the stored document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneview_openstack.simulator.errors import ApiError

Doc = dict[str, Any]
Renderer = Callable[[Doc, int], Doc]
TypeTable = list[tuple[int, str]]  # ascending (since_version, type string)

# Below this API version a write without ``type`` is refused (MISSING_JSON_TYPE, seen at 800);
# the hpeOneView SDK sends no ``type`` from 2000 on, so newer appliances accept its absence.
TYPE_REQUIRED_BELOW = 2000


def render(doc: Doc, version: int, renderers: dict[str, Renderer]) -> Doc:
    """``doc`` as a client of ``version`` sees it (by the renderer of its category)."""
    function = renderers.get(doc.get("category", ""))
    return function(doc, version) if function else doc


def type_for(table: TypeTable, version: int) -> str:
    """The ``type`` string of the highest table entry at or below ``version``.

    ``table`` is ascending: ``[(200, "ServerProfileV5"), (300, "ServerProfileV6"), ...]``.
    """
    chosen = table[0][1]
    for since, name in table:
        if version >= since:
            chosen = name
    return chosen


def check_type(body: Doc, table: TypeTable, version: int) -> None:
    """A write's body must carry the ``type`` of the request's API version (400 otherwise)."""
    expected = type_for(table, version)
    given = body.get("type")
    if given is None:
        if version < TYPE_REQUIRED_BELOW:
            raise ApiError(
                400,
                "MISSING_JSON_TYPE",
                'The "type" field is missing from the JSON.',
                details=(
                    'The "type" field was not included in the JSON input of this request, '
                    f'so the request is invalid. API version {version} expects "{expected}".'
                ),
                recommended_actions=[
                    'Include the "type" field in the JSON and try the request again.'
                ],
            )
        return
    if given != expected:
        raise ApiError(
            400,
            "INVALID_JSON_TYPE",
            "Invalid JSON type.",
            details=f'The "type" field content, "{given}", included in this request is invalid.',
            recommended_actions=[f'Use "type": "{expected}" with X-API-Version {version}.'],
        )


def parse_api_version(header: str | None, minimum: int, current: int) -> int:
    """The version a request asks for; a missing header means the minimum."""
    if header is None or header.strip() == "":
        return minimum
    text = header.strip()
    if not text.isdigit() or not 1 <= int(text) <= current:
        raise ApiError(
            412,
            "INVALID_API_VERSION",
            "The specified API version is not valid.",
            details=(
                f"The request contained an invalid X-API-Version header of {text}.  "
                f"Only values 1 through {current} are accepted."
            ),
            recommended_actions=[f"Use an X-API-Version between 1 and {current}."],
        )
    return int(text)
