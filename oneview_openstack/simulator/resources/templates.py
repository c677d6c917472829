"""Server profile templates: /rest/server-profile-templates and .../new-profile (§9.4).

A template change (PUT) is compared with every profile made from it when its
task completes: profiles that now differ become ``NonCompliant`` until they are
updated from the template (PATCH /templateCompliance on the profile).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.resources import (
    compute_types,
    conditional,
    profile_apply,
    profile_model,
    profile_rules,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "server-profile-templates"
CREATE_JOB, UPDATE_JOB, DELETE_JOB, REJECTED_JOB = (
    f"{CATEGORY}.{op}" for op in ("create", "update", "delete", "rejected")
)
WHAT = "server profile template"


@bp.renderer(CATEGORY)
def render_template(doc: Doc, version: int) -> Doc:
    return profile_model.render_template(doc, version)


@bp.get("/rest/server-profile-templates")
def list_templates(ctx: Ctx) -> Reply:
    """Server profile templates."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="ServerProfileTemplateListV8", category=CATEGORY)


@bp.get("/rest/server-profile-templates/{id}")
def get_template(ctx: Ctx) -> Reply:
    """One template; 304 when If-None-Match names its current eTag."""
    template = _require(ctx)
    return conditional.document_reply(ctx, template)


@bp.get("/rest/server-profile-templates/{id}/new-profile")
def new_profile(ctx: Ctx) -> Reply:
    """An unsaved profile built from the template, in the request's API version shape."""
    profile = profile_model.profile_from_template(_require(ctx))
    return Reply(200, ctx.render(profile))


@bp.post("/rest/server-profile-templates")
def create_template(ctx: Ctx) -> Reply:
    """Create a template (202, task "Create ")."""
    template = _template_from_request(ctx, profile_model.blank_template())
    error = _problem(ctx, template)
    if error is not None:
        return _rejected(ctx, "Create ", error, None, template["name"])
    template_id = str(uuid.uuid4())
    template["uri"] = f"/rest/{CATEGORY}/{template_id}"
    template["scopesUri"] = f"/rest/scopes/resources{template['uri']}"
    ctx.appliance.store.add(template)
    return _start(ctx, CREATE_JOB, "Create ", template, {"template": template["uri"]})


@bp.put("/rest/server-profile-templates/{id}")
def update_template(ctx: Ctx) -> Reply:
    """Replace a template (202); its profiles' compliance is recomputed at completion."""
    current = _require(ctx)
    conditional.require_current_etag(ctx, current)
    template = _template_from_request(ctx, current)
    error = _problem(ctx, template)
    if error is not None:
        return _rejected(ctx, "Update", error, current["uri"], current.get("name"))
    previous = copy.deepcopy(current)
    ctx.appliance.store.update(current["uri"], template)
    params = {"template": current["uri"], "previous": previous}
    return _start(ctx, UPDATE_JOB, "Update", current, params)


@bp.delete("/rest/server-profile-templates/{id}")
def delete_template(ctx: Ctx) -> Reply:
    """Delete a template (task "Delete"); refused with 400 while profiles reference it."""
    current = _require(ctx)
    conditional.require_current_etag(ctx, current)
    users = [p["uri"] for p in _profiles_of(ctx.appliance, current["uri"])]
    if users:
        raise ApiError(
            400,
            "PROFILE_TEMPLATE_IN_USE",
            "A server profile template cannot be deleted while it is being referenced by "
            "server profiles.",
            details=f"{current['uri']} is referenced by: {', '.join(users)}.",
            recommended_actions=["Delete the profiles or detach them from the template first."],
        )
    return _start(ctx, DELETE_JOB, "Delete", current, {"template": current["uri"]})


# -- jobs ------------------------------------------------------------------------


@bp.job(CREATE_JOB, duration=5.0, steps=["Create the server profile template."])
def _finish_create(appliance: Appliance, params: dict[str, Any]) -> None:
    """The template was stored when accepted; nothing is left to do."""


@bp.on_fail(CREATE_JOB)
def _undo_create(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    if appliance.store.get(params["template"]) is not None:
        appliance.store.remove(params["template"])


@bp.job(UPDATE_JOB, duration=5.0, steps=["Update the server profile template."])
def _finish_update(appliance: Appliance, params: dict[str, Any]) -> None:
    for profile in _profiles_of(appliance, params["template"]):
        if not profile.get("inProgress"):
            verdict = profile_apply.compliance(appliance, profile)
            if verdict != profile.get("templateCompliance"):
                appliance.store.update(profile["uri"], {"templateCompliance": verdict})


@bp.on_fail(UPDATE_JOB)
def _undo_update(appliance: Appliance, params: dict[str, Any], error: ApiError) -> None:
    restored = {k: v for k, v in params["previous"].items() if k not in ("eTag", "modified")}
    if appliance.store.get(params["template"]) is not None:
        appliance.store.update(params["template"], restored)


@bp.job(DELETE_JOB, duration=3.0, steps=["Delete the server profile template."])
def _finish_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["template"]) is not None:
        appliance.store.remove(params["template"])


@bp.job(REJECTED_JOB, duration=2.0, steps=["Validate the server profile template."])
def _rejected_job(appliance: Appliance, params: dict[str, Any]) -> None:
    """Never completes normally: the task carries its validation error from the start."""


# -- helpers --------------------------------------------------------------------


def _require(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require(f"/rest/{CATEGORY}/{ctx.params['id']}")


def _profiles_of(appliance: Appliance, template_uri: str) -> list[Doc]:
    return [
        p
        for p in appliance.store.iter("server-profiles")
        if p.get("serverProfileTemplateUri") == template_uri
    ]


def _template_from_request(ctx: Ctx, base: Doc) -> Doc:
    body = ctx.json_object()
    check_type(body, compute_types.SERVER_PROFILE_TEMPLATE_TYPES, ctx.api_version)
    template = profile_model.merge_body(base, body, profile_model.TEMPLATE_EDITABLE)
    settings = body.get("connectionSettings")
    for key in ("complianceControl",):
        if isinstance(settings, dict) and key in settings:
            template["connectionSettings"][key] = settings[key]
    connections = profile_model.incoming_connections(body)
    if connections is not None:
        if not isinstance(connections, list):
            raise bad_request(
                "INVALID_PARAMETER",
                "The server profile template connections must be a list.",
                details=f"connections: {connections!r}.",
            )
        template["connectionSettings"]["connections"] = copy.deepcopy(connections)
    profile_rules.check_fields(ctx.appliance, template, WHAT)
    if template.get("serverHardwareTypeUri") is None:
        raise bad_request(
            "INVALID_PARAMETER",
            "A server profile template needs a server hardware type.",
            details="Field serverHardwareTypeUri is required.",
        )
    template["connectionSettings"]["connections"] = _numbered(
        profile_model.connections_of(template)
    )
    return template


def _numbered(connections: list[Doc]) -> list[Doc]:
    """Template connections with ids (1, 2, ... for those without one)."""
    numbered = []
    for given, connection_id in zip(
        connections, profile_model.connection_ids(connections), strict=True
    ):
        connection = profile_model.template_connection(given)
        connection["id"] = connection_id
        if connection["requestedMbps"] in (None, ""):
            connection["requestedMbps"] = profile_apply.DEFAULT_MBPS
        connection["requestedMbps"] = str(connection["requestedMbps"])
        numbered.append(connection)
    return numbered


def _problem(ctx: Ctx, template: Doc) -> ApiError | None:
    for other in ctx.appliance.store.iter(CATEGORY):
        if other.get("name") == template["name"] and other.get("uri") != template.get("uri"):
            return ApiError(
                400,
                "DUPLICATED_PROFILE_TEMPLATE_NAME",
                f"The server profile template name {template['name']!r} is already in use.",
                details=f"The template {other['uri']} has this name.",
                recommended_actions=["Choose a unique name for the server profile template."],
            )
    reachable = profile_rules.reachable_networks(ctx.appliance, template.get("enclosureGroupUri"))
    return profile_rules.configuration_problem(ctx.appliance, template, None, reachable)


def _start(ctx: Ctx, kind: str, name: str, template: Doc, params: Doc) -> Reply:
    return ctx.start_task(
        kind,
        params,
        name=name,
        status=f"{name.strip()} server profile template {template.get('name')}",
        resource_uri=template["uri"],
        resource_category=CATEGORY,
        resource_name=template.get("name"),
    )


def _rejected(
    ctx: Ctx, name: str, error: ApiError, uri: str | None, template_name: str | None
) -> Reply:
    return ctx.start_task(
        REJECTED_JOB,
        {},
        name=name,
        status=f"Unable to {name.strip().lower()} server profile template: {template_name}",
        resource_uri=uri,
        resource_category=CATEGORY,
        resource_name=template_name,
        fails_with=error,
    )
