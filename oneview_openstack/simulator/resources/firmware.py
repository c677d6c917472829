"""Firmware baselines (SPPs, hotfixes, custom SPPs): /rest/firmware-drivers, /rest/firmware-bundles.

- ``GET /rest/firmware-drivers[/{id}]``, ``GET /rest/firmware-drivers/schema``;
- ``POST /rest/firmware-drivers``: a custom SPP from a baseline and hotfixes (202, task "Create");
- ``DELETE /rest/firmware-drivers/{id}``: 202, refused (409) while a profile or template uses it;
- ``POST /rest/firmware-bundles``: the multipart upload of an SPP ISO or a hotfix (header
  ``uploadfilename``; the file itself is not kept): 202, the task adds a firmware driver whose
  ``resourceId`` is the file name the way the SDK's ``FirmwareBundles.get_by_name`` expects it;
- ``POST /rest/firmware-bundles/addCompsig``: a hotfix's signature file (200);
- bundles are not a collection of their own (read them as firmware drivers): GET/PUT/DELETE refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_request, conflict
from oneview_openstack.simulator.resources.conditional import document_reply
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

CATEGORY = "firmware-drivers"
BASE = "/rest/firmware-drivers"
CREATE_JOB, DELETE_JOB, UPLOAD_JOB = (f"{CATEGORY}.{op}" for op in ("create", "delete", "upload"))
BUNDLE_SUFFIXES = (".iso", ".rpm", ".exe", ".scexe", ".fwpkg", ".zip", ".bin")
Doc = dict[str, Any]


def resource_id_of(file_name: str) -> str:
    """``SPP_2023.03.0.iso`` -> ``SPP_2023_03_0``: what ``FirmwareBundles.get_by_name`` reads."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.(\d)", r"_\1", base).split(".")[0]


def _users(appliance: Appliance, uri: str) -> list[str]:
    found = []
    for category in ("server-profiles", "server-profile-templates"):
        for doc in appliance.store.iter(category):
            if (doc.get("firmware") or {}).get("firmwareBaselineUri") == uri:
                found.append(doc["uri"])
    return found


def _name_taken(appliance: Appliance, name: str) -> bool:
    return any(doc.get("name") == name for doc in appliance.store.iter(CATEGORY))


def _driver(resource_id: str, **fields: Any) -> Doc:
    doc: Doc = {
        "type": "firmware-baselines",
        "category": CATEGORY,
        "uri": f"{BASE}/{resource_id}",
        "uuid": resource_id,
        "resourceId": resource_id,
        "description": None,
        "releaseDate": None,
        "bundleSize": 0,
        "state": "Created",
        "status": "OK",
        "hpsumVersion": None,
        "fwComponents": [],
        "hotfixes": [],
        "parentBundle": {"parentBundleName": None, "releaseDate": None, "version": None},
        "supportedOSList": [],
        "supportedLanguages": "en",
        "locations": {"local": "Appliance"},
        "mirrorlist": None,
        "lastTaskUri": None,
        "signatureFileRequired": False,
        "signatureFileName": None,
        "bundleVersion": None,
    }
    doc.update(fields)
    return doc


@bp.get(BASE)
def list_firmware_drivers(ctx: Ctx) -> Reply:
    """Firmware baselines uploaded to the appliance."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="FirmwareDriverList", category=CATEGORY)


@bp.get(BASE + "/schema")
def firmware_driver_schema(ctx: Ctx) -> Reply:
    """The JSON schema of a firmware driver."""
    properties: Doc = {
        key: {"type": ["string", "null"]}
        for key in ("name", "uri", "resourceId", "version", "bundleType", "state", "status")
    }
    properties["fwComponents"] = {"type": "array"}
    properties["hotfixes"] = {"type": "array"}
    return Reply(
        200,
        {
            "$schema": "http://json-schema.org/draft-03/schema#",
            "type": "object",
            "name": "FirmwareDriver",
            "properties": properties,
        },
    )


@bp.get(BASE + "/{id}")
def get_firmware_driver(ctx: Ctx) -> Reply:
    """One firmware baseline."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


@bp.put(BASE + "/{id}")
def update_firmware_driver(ctx: Ctx) -> Reply:
    """Refused: a firmware driver cannot be changed, only added and removed (405)."""
    ctx.appliance.store.require(ctx.path)
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method PUT is not supported for {ctx.path}.",
        details="Allowed methods: DELETE, GET.",
    )


@bp.post(BASE)
def create_custom_baseline(ctx: Ctx) -> Reply:
    """A custom SPP: ``customBaselineName``, ``baselineUri`` and ``hotfixUris`` (202)."""
    body = ctx.json_object()
    name = body.get("customBaselineName")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(
            "INVALID_CUSTOM_BASELINE_NAME",
            "The custom baseline name is missing or empty.",
            details="customBaselineName is required.",
        )
    store = ctx.appliance.store
    base = store.get(str(body.get("baselineUri") or ""))
    if base is None or base.get("bundleType") != "ServicePack":
        raise bad_request(
            "INVALID_BASELINE_URI",
            "The base SPP of a custom baseline must be a Service Pack on the appliance.",
            details=f"baselineUri {body.get('baselineUri')!r} is not a Service Pack.",
        )
    hotfix_uris = body.get("hotfixUris") or []
    if not isinstance(hotfix_uris, list):
        raise bad_request("INVALID_HOTFIX_URIS", "hotfixUris must be a list of URIs.")
    hotfixes = []
    for uri in hotfix_uris:
        hotfix = store.get(str(uri))
        if hotfix is None or hotfix.get("bundleType") != "Hotfix":
            raise bad_request(
                "INVALID_HOTFIX_URI",
                "A hotfix of a custom baseline is not a hotfix on the appliance.",
                details=f"{uri!r} is not a hotfix.",
            )
        hotfixes.append({"hotfixName": hotfix["name"], "resourceId": hotfix["resourceId"]})
    if _name_taken(ctx.appliance, name):
        raise conflict(
            "CUSTOM_BASELINE_NAME_ALREADY_EXISTS",
            f"A firmware baseline named {name!r} already exists.",
            action="Choose another custom baseline name.",
        )
    resource_id = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "custom"
    doc = _driver(
        resource_id,
        name=name,
        baselineShortName=name,
        version=base.get("version"),
        releaseDate=base.get("releaseDate"),
        bundleType="Custom",
        bundleSize=base.get("bundleSize", 0),
        hpsumVersion=base.get("hpsumVersion"),
        fwComponents=list(base.get("fwComponents") or []),
        hotfixes=hotfixes,
        parentBundle={
            "parentBundleName": base.get("name"),
            "releaseDate": base.get("releaseDate"),
            "version": base.get("version"),
        },
        supportedOSList=list(base.get("supportedOSList") or []),
        isoFileName=f"{resource_id}.iso",
        scopeUris=list(body.get("initialScopeUris") or []),
    )
    return ctx.start_task(
        CREATE_JOB,
        {"doc": doc},
        name="Create",
        status=f"Creating custom SPP {name}.",
        resource_uri=doc["uri"],
        resource_category=CATEGORY,
        resource_name=name,
    )


@bp.job(CREATE_JOB, duration=30.0, steps=["Building the custom SPP.", "Saving it."])
def _finish_create(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.add(dict(params["doc"]))


@bp.delete(BASE + "/{id}")
def delete_firmware_driver(ctx: Ctx) -> Reply:
    """Remove a baseline (202); refused (409) while a profile or template uses it."""
    current = ctx.appliance.store.require(ctx.path)
    users = _users(ctx.appliance, current["uri"])
    if users:
        raise conflict(
            "FIRMWARE_DRIVER_IN_USE",
            f"The firmware baseline {current.get('name')!r} cannot be removed: it is in use.",
            details=f"Used by: {', '.join(users)}.",
            action="Remove it from the server profiles and templates first.",
        )
    return ctx.start_task(
        DELETE_JOB,
        {"uri": current["uri"]},
        name="Remove",
        status=f"Removing firmware baseline {current.get('name')}.",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current.get("name"),
    )


@bp.job(DELETE_JOB, duration=5.0, steps=["Removing the firmware bundle."])
def _finish_delete(appliance: Appliance, params: dict[str, Any]) -> None:
    if appliance.store.get(params["uri"]) is not None:
        appliance.store.remove(params["uri"])


def _upload_name(ctx: Ctx) -> str:
    name = (ctx.headers.get("uploadfilename") or "").strip()
    if not name:
        raise bad_request(
            "INVALID_UPLOAD_FILE_NAME",
            "The uploaded file has no name.",
            details="Send the file name in the uploadfilename header.",
        )
    return name.replace("\\", "/").rsplit("/", 1)[-1]


@bp.post("/rest/firmware-bundles")
def upload_bundle(ctx: Ctx) -> Reply:
    """Upload an SPP ISO or a hotfix (multipart, header uploadfilename): 202, adds a driver."""
    file_name = _upload_name(ctx)
    if not file_name.lower().endswith(BUNDLE_SUFFIXES):
        raise bad_request(
            "INVALID_FIRMWARE_BUNDLE_FILE",
            f"The file {file_name!r} is not a firmware bundle.",
            details=f"Upload an SPP ISO or a hotfix ({', '.join(BUNDLE_SUFFIXES)}).",
        )
    resource_id = resource_id_of(file_name)
    uri = f"{BASE}/{resource_id}"
    if ctx.appliance.store.get(uri) is not None:
        raise conflict(
            "FIRMWARE_BUNDLE_ALREADY_EXISTS",
            f"The firmware bundle {file_name!r} is already on the appliance.",
            details=f"See {uri}.",
            action="Remove the existing bundle first to upload it again.",
        )
    is_spp = file_name.lower().endswith(".iso")
    match = re.search(r"(\d{4})[._](\d{2})[._](\d+)", file_name)
    version = ".".join(match.groups()) if match else "1.0.0"
    doc = _driver(
        resource_id,
        name=resource_id.replace("_", " ") if is_spp else file_name,
        baselineShortName=resource_id,
        version=version,
        bundleType="ServicePack" if is_spp else "Hotfix",
        isoFileName=file_name if is_spp else None,
        signatureFileRequired=not is_spp,
    )
    return ctx.start_task(
        UPLOAD_JOB,
        {"doc": doc},
        name="Add",
        status=f"Uploading firmware bundle {file_name}.",
        resource_uri=uri,
        resource_category=CATEGORY,
        resource_name=doc["name"],
    )


@bp.job(UPLOAD_JOB, duration=20.0, steps=["Uploading the file.", "Validating the bundle."])
def _finish_upload(appliance: Appliance, params: dict[str, Any]) -> None:
    appliance.store.add(dict(params["doc"]))


@bp.post("/rest/firmware-bundles/addCompsig")
def upload_compsig(ctx: Ctx) -> Reply:
    """Upload a Gen10+ hotfix's .compsig signature file (200): the hotfix no longer lacks it."""
    file_name = _upload_name(ctx)
    if not file_name.lower().endswith(".compsig"):
        raise bad_request(
            "INVALID_COMPSIG_FILE",
            f"The file {file_name!r} is not a component signature (.compsig) file.",
        )
    stem = file_name[: -len(".compsig")]
    for doc in list(ctx.appliance.store.iter(CATEGORY)):
        if doc.get("bundleType") == "Hotfix" and str(doc.get("name", "")).startswith(stem):
            ctx.appliance.store.update(doc["uri"], {"signatureFileName": file_name})
    return Reply(200, {"fileName": file_name, "status": "Uploaded"})


def _refuse_bundle(ctx: Ctx) -> Reply:
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method {ctx.method} is not supported for {ctx.path}.",
        details="Firmware bundles are uploaded with POST and read as /rest/firmware-drivers.",
    )


_refuse_bundle.__doc__ = (
    "Refused: a bundle is only uploaded; read or remove it as a firmware driver (405)."
)
bp.get("/rest/firmware-bundles")(_refuse_bundle)
bp.get("/rest/firmware-bundles/{id}")(_refuse_bundle)
bp.put("/rest/firmware-bundles/{id}")(_refuse_bundle)
bp.delete("/rest/firmware-bundles/{id}")(_refuse_bundle)
