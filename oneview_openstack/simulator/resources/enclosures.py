"""Enclosures (Synergy frames) and enclosure groups (hpeOneView's Enclosures, EnclosureGroups).

- ``GET`` list/one, ``PATCH`` (``replace`` of ``/name``, ``/rackName``, ``/uidState``,
  ``/managerBays/{n}/uidState``; 202), ``PUT /refreshState`` and ``PUT /configuration``
  (202), ``GET``/``PUT /environmentalConfiguration``, ``GET /utilization`` (as for server
  hardware: the sum of its blades, fans and interconnects), ``GET /sso`` (C7000 only),
  certificate signing requests (``POST``/``GET``/``PUT /https/certificaterequest``).
- ``POST`` (add a C7000 by its OA address or a Synergy frame by its frame link module's
  link-local IPv6 address) answers 202 with a task that fails: no enclosure answers there.
- ``DELETE`` (remove, 202) is refused while the frame is in a logical enclosure or a blade
  in it has a server profile; its blades and interconnects go with it.
- ``PUT`` of the whole enclosure is not an appliance operation (405).

Enclosure groups (hpeOneView's EnclosureGroups), synchronous as on the appliance:
``POST`` (201), ``PUT`` (200), ``DELETE`` (204; refused while an enclosure, logical
enclosure, server hardware, server profile or template uses the group) and the
configuration script (``GET``/``PUT /script``, a JSON string).
"""

from __future__ import annotations

import ipaddress
import math
import uuid
import zlib
from typing import TYPE_CHECKING, Any

from oneview_openstack.simulator import query
from oneview_openstack.simulator.errors import ApiError, bad_reference, bad_request
from oneview_openstack.simulator.resources import compute_types
from oneview_openstack.simulator.resources.conditional import (
    document_reply,
    require_current_etag,
)
from oneview_openstack.simulator.resources.networking import name_taken, require_name
from oneview_openstack.simulator.resources.server_hardware_more import (
    metric_value,
    utilization_reply,
)
from oneview_openstack.simulator.router import Blueprint, Ctx, Reply
from oneview_openstack.simulator.versions import check_type

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
CATEGORY = "enclosures"
BASE = "/rest/enclosures"
ENVIRONMENT = "_enclosure-environment"
CSR = "_enclosure-csr"
UNREACHABLE, UPDATE, REFRESH, RECONFIGURE, CERTIFICATE, REMOVE = (
    f"{CATEGORY}.{op}"
    for op in ("unreachable", "update", "refresh", "reconfigure", "certificate", "remove")
)
METRICS = ("AmbientTemperature", "AveragePower", "PeakPower", "PowerCap", "DeratedCapacity",
           "RatedCapacity")  # fmt: skip
GROUPS = "enclosure-groups"
GROUPS_BASE = "/rest/enclosure-groups"
STACKING_MODE_DROPPED_AT = 600  # enclosure groups lost stackingMode in API 600
GROUP_SCRIPT = "_eg-scripts"
DEFAULT_ENCLOSURE_TYPE = "/rest/enclosure-types/SY12000"
IP_ADDRESSING_MODES = ("DHCP", "External", "IpPool")
POWER_MODES = ("RedundantPowerFeed", "RedundantPowerSupply")
# Who uses a group: (collection, field holding the group's URI).
GROUP_USERS = (
    ("logical-enclosures", "enclosureGroupUri"),
    ("enclosures", "enclosureGroupUri"),
    ("server-hardware", "serverGroupUri"),
    ("server-profiles", "enclosureGroupUri"),
    ("server-profile-templates", "enclosureGroupUri"),
)
UID_STATES = ("On", "Off", "Blink")
LICENSING_INTENTS = ("OneView", "OneViewNoiLO", "OneViewStandard")
CSR_FIELDS = ("organization", "organizationalUnit", "locality", "state", "country",
              "commonName", "alternativeName", "contactPerson", "email", "surname",
              "givenName", "initials", "dnQualifier", "unstructuredName",
              "challengePassword")  # fmt: skip


@bp.renderer(CATEGORY)
def render_enclosure(doc: Doc, version: int) -> Doc:
    return compute_types.with_type(doc, compute_types.ENCLOSURE_TYPES, version)


def _enclosure(ctx: Ctx) -> Doc:
    return ctx.appliance.store.require(f"{BASE}/{ctx.params['id']}")


@bp.get(BASE)
def list_enclosures(ctx: Ctx) -> Reply:
    """Enclosures (Synergy frames)."""
    docs = ctx.appliance.store.iter(CATEGORY)
    return query.page(ctx, docs, collection_type="EnclosureListV7", category=CATEGORY)


@bp.get(f"{BASE}/{{id}}")
def get_enclosure(ctx: Ctx) -> Reply:
    """One enclosure."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


# -- add: needs an enclosure the simulator does not have -----------------------------


@bp.post(BASE)
def add_enclosure(ctx: Ctx) -> Reply:
    """Add a C7000 (OA address and credentials) or a Synergy frame (FLM IPv6): 202, fails."""
    body = ctx.json_object()
    hostname = body.get("hostname")
    if not isinstance(hostname, str) or not hostname:
        raise bad_request(
            "INVALID_PARAMETER",
            "The hostname of the enclosure is required to add an enclosure.",
            details="Field hostname: the OA's address (C7000) or the frame link module's "
            "link-local IPv6 address (Synergy).",
        )
    synergy = _is_link_local(hostname)
    if not synergy:
        for field in ("username", "password"):
            if not isinstance(body.get(field), str) or not body[field]:
                raise bad_request(
                    "INVALID_PARAMETER",
                    f"The Onboard Administrator {field} is required to add an enclosure.",
                    details=f"Field {field}: a non-empty string.",
                )
        intent = body.get("licensingIntent", "OneView")
        if intent not in LICENSING_INTENTS:
            raise bad_request(
                "INVALID_PARAMETER",
                f"The licensingIntent {intent!r} is not valid.",
                details=f"Field licensingIntent: one of {', '.join(LICENSING_INTENTS)}.",
            )
        group = body.get("enclosureGroupUri")
        if group is not None and ctx.appliance.store.get(str(group)) is None:
            raise bad_reference("enclosureGroupUri", group)
    error = ApiError(
        400,
        "ENCLOSURE_UNREACHABLE",
        f"Unable to establish communication with the enclosure at {hostname}.",
        details=(
            f"No frame link module answered at {hostname}."
            if synergy
            else f"The appliance could not connect to the Onboard Administrator at {hostname}."
        ),
        recommended_actions=[
            "Verify the address, that the enclosure is powered and reachable from the appliance."
        ],
    )
    return ctx.start_task(
        UNREACHABLE,
        {},
        name="Add",
        status=f"Add enclosure {hostname}",
        resource_uri=None,
        resource_category=CATEGORY,
        resource_name=hostname,
        fails_with=error,
    )


def _is_link_local(hostname: str) -> bool:
    try:
        return ipaddress.ip_address(hostname.split("%", 1)[0]).is_link_local
    except ValueError:
        return False


@bp.job(UNREACHABLE, duration=30.0, steps=["Contact the enclosure manager."])
def _never_completes(appliance: Appliance, params: dict[str, Any]) -> None:
    """The task carries its error from the start."""


@bp.put(f"{BASE}/{{id}}")
def put_enclosure(ctx: Ctx) -> Reply:
    """Refused: an enclosure is changed by PATCH and its sub-resources (405)."""
    _enclosure(ctx)
    raise ApiError(
        405,
        "METHOD_NOT_ALLOWED",
        f"The method PUT is not supported for {ctx.path}.",
        details="Use PATCH (name, rackName, uidState) or a sub-resource (refreshState, "
        "configuration, environmentalConfiguration).",
    )


# -- PATCH ---------------------------------------------------------------------------


def _invalid_patch(operation: Any) -> ApiError:
    return bad_request(
        "INVALID_PATCH_OPERATION",
        "The patch operation is not supported for an enclosure.",
        details=f"Got {operation!r}; supported: replace of /name, /rackName, /uidState, "
        "/managerBays/{bay}/uidState.",
    )


@bp.patch(f"{BASE}/{{id}}")
def patch_enclosure(ctx: Ctx) -> Reply:
    """``replace`` of /name, /rackName, /uidState, /managerBays/{n}/uidState (202)."""
    current = _enclosure(ctx)
    require_current_etag(ctx, current)
    operations = ctx.body if isinstance(ctx.body, list) else [ctx.body]
    changes: Doc = {}
    for operation in operations:
        if not isinstance(operation, dict) or operation.get("op") != "replace":
            raise _invalid_patch(operation)
        path, value = operation.get("path"), operation.get("value")
        parts = str(path).strip("/").split("/")
        if path in ("/name", "/rackName"):
            if not isinstance(value, str) or (path == "/name" and not value.strip()):
                raise _invalid_patch(operation)
            changes[parts[0]] = value
        elif path == "/uidState" or (
            len(parts) == 3 and parts[0] == "managerBays" and parts[2] == "uidState"
        ):
            if value not in UID_STATES:
                raise _invalid_patch(operation)
            if parts[0] == "managerBays" and not _manager_bay(current, parts[1]):
                raise _invalid_patch(operation)
            changes[str(path)] = value
        else:
            raise _invalid_patch(operation)
    name = changes.get("name")
    if (
        name
        and name != current["name"]
        and any(e["name"] == name for e in ctx.appliance.store.iter(CATEGORY))
    ):
        raise bad_request(
            "DUPLICATE_ENCLOSURE_NAME",
            f"An enclosure with the name {name} already exists.",
            details=f"Field name: {name!r} is used by another enclosure.",
        )
    return ctx.start_task(
        UPDATE,
        {"uri": current["uri"], "changes": changes},
        name="Update",
        status=f"Update enclosure {current['name']}.",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
    )


def _manager_bay(enclosure: Doc, number: str) -> Doc | None:
    return next(
        (b for b in enclosure.get("managerBays") or [] if str(b.get("bayNumber")) == number),
        None,
    )


@bp.job(UPDATE, duration=2.0, steps=["Updating the enclosure."])
def _finish_update(appliance: Appliance, params: dict[str, Any]) -> None:
    store = appliance.store
    enclosure = store.get(params["uri"])
    if enclosure is None:
        return
    top: Doc = {}
    for path, value in params["changes"].items():
        if path == "rackName":
            _save_environment(appliance, enclosure, {"rackName": value})
        elif path.startswith("/managerBays/"):
            bay = _manager_bay(enclosure, path.split("/")[2])
            if bay is not None:
                bay["uidState"] = value
        else:
            top[path.lstrip("/")] = value
    store.update(params["uri"], top)


# -- refresh and reapply -------------------------------------------------------------


@bp.put(f"{BASE}/{{id}}/refreshState")
def refresh_state(ctx: Ctx) -> Reply:
    """Refresh the frame and its components (refreshState RefreshPending) (202)."""
    current = _enclosure(ctx)
    body = ctx.json_object()
    if body.get("refreshState") not in ("RefreshPending", "Refreshing"):
        raise bad_request(
            "INVALID_REFRESH_STATE",
            f"The refreshState {body.get('refreshState')!r} is not valid.",
            details="Field refreshState: RefreshPending.",
        )
    ctx.appliance.store.update(current["uri"], {"refreshState": "Refreshing"})
    return ctx.start_task(
        REFRESH,
        {"uri": current["uri"], "field": "refreshState", "idle": "NotRefreshing"},
        name="Refresh",
        status=f"Refresh enclosure {current['name']}.",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
    )


@bp.put(f"{BASE}/{{id}}/configuration")
def reapply_configuration(ctx: Ctx) -> Reply:
    """Reapply the appliance's configuration on the frame (202)."""
    current = _enclosure(ctx)
    field, idle = "reconfigurationState", "NotReapplyingConfiguration"
    ctx.appliance.store.update(current["uri"], {field: "ReapplyingConfiguration"})
    return ctx.start_task(
        RECONFIGURE,
        {"uri": current["uri"], "field": field, "idle": idle},
        name="Reapply configuration",
        status=f"Reapply configuration of enclosure {current['name']}.",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
    )


def _idle(appliance: Appliance, params: dict[str, Any], *_: Any) -> None:
    if appliance.store.get(params["uri"]) is not None:
        appliance.store.update(params["uri"], {params["field"]: params["idle"]})


bp.job(REFRESH, duration=20.0, steps=["Refreshing the enclosure.", "Refreshing its devices."])(
    _idle
)
bp.job(RECONFIGURE, duration=30.0, steps=["Configuring the enclosure."])(_idle)
bp.on_fail(REFRESH)(_idle)
bp.on_fail(RECONFIGURE)(_idle)


# -- environmental configuration and utilization -------------------------------------


def _environment_uri(enclosure: Doc) -> str:
    return f"/{ENVIRONMENT}/{enclosure['uri'].rsplit('/', 1)[1]}"


def _save_environment(appliance: Appliance, enclosure: Doc, changes: Doc) -> None:
    stored = appliance.store.get(_environment_uri(enclosure)) or {}
    appliance.store.put_internal({**stored, **changes, "uri": _environment_uri(enclosure)})


def environmental_configuration(appliance: Appliance, enclosure: Doc) -> Doc:
    saved = appliance.store.get(_environment_uri(enclosure)) or {}
    serial = str(enclosure.get("serialNumber") or "")
    return {
        "calibratedMaxPower": saved.get("calibratedMaxPower")
        or enclosure.get("powerCapacityWatts"),
        "capHistorySupported": False,
        "height": 10,
        "historyBufferSize": 288,
        "historySampleIntervalSeconds": 300,
        "idleMaxPower": 0,
        "licenseRequirement": "",
        "powerCapType": "",
        "powerHistorySupported": True,
        "psuList": [
            {
                "capacity": bay.get("outputCapacityWatts") or 0,
                "inputVoltage": 220,
                "powerType": "AC",
                "psuId": bay["bayNumber"],
                "side": "Dynamic",
            }
            for bay in enclosure.get("powerSupplyBays") or []
            if bay.get("devicePresence") == "Present"
        ],
        "rackId": f"RK{serial[-8:]}",
        "rackModel": "HPE 42U 600x1200mm Enterprise Shock Rack",
        "rackName": saved.get("rackName", ""),
        "rackUHeight": 42,
        "relativeOrder": 1,
        "thermalHistorySupported": True,
        "uSlot": 1 + 10 * (zlib.crc32(enclosure["uri"].encode()) % 3),
        "utilizationHistorySupported": False,
    }


@bp.get(f"{BASE}/{{id}}/environmentalConfiguration")
def get_environmental_configuration(ctx: Ctx) -> Reply:
    """Calibrated maximum power, power supplies and rack location of the frame."""
    return Reply(200, environmental_configuration(ctx.appliance, _enclosure(ctx)))


@bp.put(f"{BASE}/{{id}}/environmentalConfiguration")
def put_environmental_configuration(ctx: Ctx) -> Reply:
    """Set ``calibratedMaxPower`` (W; 1 to 40000); the reply is the new configuration."""
    enclosure = _enclosure(ctx)
    value = ctx.json_object().get("calibratedMaxPower")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 40_000:
        raise bad_request(
            "INVALID_CALIBRATED_MAX_POWER",
            f"The calibratedMaxPower {value!r} is not valid.",
            details="calibratedMaxPower is an integer number of watts from 1 to 40000.",
        )
    _save_environment(ctx.appliance, enclosure, {"calibratedMaxPower": value})
    ctx.appliance.store.touch(enclosure["uri"])
    return Reply(200, environmental_configuration(ctx.appliance, enclosure))


def _blades(appliance: Appliance, enclosure: Doc) -> list[Doc]:
    return [
        sh for sh in appliance.store.iter("server-hardware")
        if sh.get("locationUri") == enclosure["uri"]
    ]  # fmt: skip


def _enclosure_metric(appliance: Appliance, enclosure: Doc, metric: str, when: float) -> int:
    capacity = int(enclosure.get("powerCapacityWatts") or 0)
    if metric in ("PowerCap", "RatedCapacity"):
        return capacity
    if metric == "DeratedCapacity":
        return capacity - int(enclosure.get("powerCapacityBoostWatts") or 0) // 2
    blades = _blades(appliance, enclosure)
    if metric == "AmbientTemperature":
        seed = zlib.crc32(enclosure["uri"].encode()) % 997
        return 20 + round(3 * (math.sin(when / 1800.0 + seed) * 0.5 + 0.5))
    base = int(enclosure.get("fansAndManagementDevicesWatts") or 0) * 0.6
    interconnects = sum(
        1 for b in enclosure.get("interconnectBays") or [] if b.get("interconnectUri")
    )
    total = base + 110 * interconnects + sum(metric_value(sh, metric, when) for sh in blades)
    return round(total)


@bp.get(f"{BASE}/{{id}}/utilization")
def get_utilization(ctx: Ctx) -> Reply:
    """Power and temperature samples (fields, filter=startDate/endDate, refresh, view)."""
    enclosure = {"category": CATEGORY, **_enclosure(ctx)}
    appliance = ctx.appliance

    def capacity(metric: str) -> int | None:
        if metric == "AmbientTemperature":
            return 35
        return int(enclosure.get("powerCapacityWatts") or 0)

    return utilization_reply(
        ctx,
        enclosure,
        METRICS,
        lambda metric, when: _enclosure_metric(appliance, enclosure, metric, when),
        capacity,
    )


# -- single sign-on ------------------------------------------------------------------


@bp.get(f"{BASE}/{{id}}/sso")
def get_sso(ctx: Ctx) -> Reply:
    """SSO parameters to the OA (``role`` Active/Standby): C7000 only, 400 for a frame."""
    enclosure = _enclosure(ctx)
    role = ctx.arg("role")
    if role not in ("Active", "Standby"):
        raise bad_request(
            "INVALID_ROLE",
            f"The role {role!r} is not valid.",
            details="Query parameter role: Active or Standby.",
        )
    raise bad_request(
        "SSO_NOT_SUPPORTED",
        f"Single sign-on is not supported for the {enclosure.get('enclosureType')} "
        f"enclosure {enclosure['name']}.",
        details="Single sign-on parameters are built for C7000 Onboard Administrators only; "
        "a Synergy frame is reached through its composer.",
    )


# -- certificate signing requests ----------------------------------------------------


def _bay(ctx: Ctx, enclosure: Doc) -> int:
    raw = ctx.arg("bayNumber")
    active = next(
        (b["bayNumber"] for b in enclosure.get("managerBays") or [] if b.get("role") == "Active"),
        1,
    )
    if raw is None:
        return int(active)
    bay = _manager_bay(enclosure, raw)
    if bay is None or bay.get("devicePresence") != "Present":
        raise bad_request(
            "INVALID_BAY_NUMBER",
            f"The bay {raw!r} of enclosure {enclosure['name']} holds no enclosure manager.",
            details="Query parameter bayNumber: the bay of a present manager (1 or 2).",
        )
    return int(bay["bayNumber"])


def _csr_uri(enclosure: Doc, bay: int) -> str:
    return f"/{CSR}/{enclosure['uri'].rsplit('/', 1)[1]}-{bay}"


@bp.post(f"{BASE}/{{id}}/https/certificaterequest")
def generate_csr(ctx: Ctx) -> Reply:
    """Create a CSR on a manager (``bayNumber``; the active one by default) (202)."""
    enclosure = _enclosure(ctx)
    bay = _bay(ctx, enclosure)
    body = ctx.json_object()
    for field in ("commonName", "organization", "locality", "state", "country"):
        if not isinstance(body.get(field), str) or not body[field].strip():
            raise bad_request(
                "INVALID_CSR_PARAMETER",
                f"The {field} of the certificate signing request is required.",
                details=f"Field {field}: a non-empty string.",
            )
    if len(body["country"]) != 2:
        raise bad_request(
            "INVALID_CSR_PARAMETER",
            f"The country {body['country']!r} is not a two-letter code.",
            details="Field country: an ISO 3166 two-letter country code, e.g. US.",
        )
    subject = {k: body[k] for k in CSR_FIELDS if isinstance(body.get(k), str) and body[k]}
    key_pem, csr_pem = _make_csr(subject)
    ctx.appliance.store.put_internal(
        {"uri": _csr_uri(enclosure, bay), "key": key_pem, "csr": csr_pem}
    )
    return ctx.start_task(
        CERTIFICATE,
        {},
        name="Create certificate signing request",
        status=f"Create a certificate signing request on bay {bay} of {enclosure['name']}.",
        resource_uri=enclosure["uri"],
        resource_category=CATEGORY,
        resource_name=enclosure["name"],
    )


def _make_csr(subject: dict[str, str]) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    oids = {"commonName": NameOID.COMMON_NAME, "organization": NameOID.ORGANIZATION_NAME,
            "organizationalUnit": NameOID.ORGANIZATIONAL_UNIT_NAME,
            "locality": NameOID.LOCALITY_NAME, "state": NameOID.STATE_OR_PROVINCE_NAME,
            "country": NameOID.COUNTRY_NAME, "email": NameOID.EMAIL_ADDRESS,
            "surname": NameOID.SURNAME, "givenName": NameOID.GIVEN_NAME,
            "initials": NameOID.INITIALS, "dnQualifier": NameOID.DN_QUALIFIER}  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(oids[k], v) for k, v in subject.items() if k in oids])
    builder = x509.CertificateSigningRequestBuilder().subject_name(name)
    alternative = [n.strip() for n in subject.get("alternativeName", "").split(",") if n.strip()]
    if alternative:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in alternative]), critical=False
        )
    csr = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, csr.public_bytes(serialization.Encoding.PEM).decode()


@bp.get(f"{BASE}/{{id}}/https/certificaterequest")
def get_csr(ctx: Ctx) -> Reply:
    """The CSR generated by the last POST on that manager (404 when there is none)."""
    enclosure = _enclosure(ctx)
    bay = _bay(ctx, enclosure)
    stored = ctx.appliance.store.get(_csr_uri(enclosure, bay))
    if stored is None:
        raise ApiError(
            404,
            "CSR_NOT_FOUND",
            f"No certificate signing request was generated on bay {bay} of {enclosure['name']}.",
            details="POST a certificate signing request first.",
            recommended_actions=["Generate a certificate signing request and try again."],
        )
    return Reply(200, {"type": "CertificateDataV2", "base64Data": stored["csr"]})


@bp.put(f"{BASE}/{{id}}/https/certificaterequest")
def import_certificate(ctx: Ctx) -> Reply:
    """Import the certificate signed for the pending CSR (202); 400 if it does not match."""
    from cryptography import x509

    enclosure = _enclosure(ctx)
    bay = _bay(ctx, enclosure)
    data = ctx.json_object().get("base64Data")
    try:
        certificate = x509.load_pem_x509_certificate(str(data or "").encode())
    except ValueError:
        raise bad_request(
            "INVALID_CERTIFICATE",
            "The certificate is not a valid PEM encoded X.509 certificate.",
            details="Field base64Data: -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----.",
        ) from None
    stored = ctx.appliance.store.get(_csr_uri(enclosure, bay))
    csr = x509.load_pem_x509_csr(stored["csr"].encode()) if stored else None
    if csr is None or certificate.public_key() != csr.public_key():
        raise bad_request(
            "CERTIFICATE_DOES_NOT_MATCH_CSR",
            "The certificate does not match the certificate signing request of "
            f"bay {bay} of {enclosure['name']}.",
            details="Import the certificate issued for the last CSR generated on that bay.",
        )
    ctx.appliance.store.remove(_csr_uri(enclosure, bay))
    return ctx.start_task(
        CERTIFICATE,
        {},
        name="Import certificate",
        status=f"Import a certificate on bay {bay} of {enclosure['name']}.",
        resource_uri=enclosure["uri"],
        resource_category=CATEGORY,
        resource_name=enclosure["name"],
    )


@bp.job(CERTIFICATE, duration=10.0, steps=["Contact the enclosure manager."])
def _certificate_done(appliance: Appliance, params: dict[str, Any]) -> None:
    """The manager keeps the key and certificate; nothing else changes."""


# -- remove --------------------------------------------------------------------------


@bp.delete(f"{BASE}/{{id}}")
def remove_enclosure(ctx: Ctx) -> Reply:
    """Remove the frame (202); refused while it is in a logical enclosure or hosts profiles."""
    current = _enclosure(ctx)
    require_current_etag(ctx, current)
    store = ctx.appliance.store
    holder = current.get("logicalEnclosureUri")
    logical = store.get(holder) if holder else None
    if logical is not None:
        raise bad_request(
            "ENCLOSURE_IN_LOGICAL_ENCLOSURE",
            f"The enclosure {current['name']} cannot be removed because it is part of the "
            f"logical enclosure {logical['name']}.",
            details=f"{current['uri']} is in {holder}; delete the logical enclosure first.",
        )
    profiled = sorted(
        sh["name"] for sh in _blades(ctx.appliance, current) if sh.get("serverProfileUri")
    )
    if profiled:
        raise bad_request(
            "UNABLE_TO_REMOVE_ACTIVEPROFILE",
            f"The enclosure {current['name']} is hosting active server profiles.",
            details=f"Servers with profiles: {', '.join(profiled)}.",
        )
    return ctx.start_task(
        REMOVE,
        {"uri": current["uri"]},
        name="Remove",
        status=f"Remove enclosure {current['name']}.",
        resource_uri=current["uri"],
        resource_category=CATEGORY,
        resource_name=current["name"],
    )


@bp.job(REMOVE, duration=30.0, steps=["Removing the devices.", "Removing the enclosure."])
def _finish_remove(appliance: Appliance, params: dict[str, Any]) -> None:
    store = appliance.store
    enclosure = store.get(params["uri"])
    if enclosure is None:
        return
    for sh in _blades(appliance, enclosure):
        store.remove(sh["uri"])
    gone_lis = {
        li["uri"]
        for li in store.iter("logical-interconnects")
        if set(li.get("enclosureUris") or []) <= {enclosure["uri"]} and li.get("enclosureUris")
    }
    for uplink in list(store.iter("uplink-sets")):
        if uplink.get("logicalInterconnectUri") in gone_lis:
            store.remove(uplink["uri"])
    for li in gone_lis:
        store.remove(li)
    for ic in list(store.iter("interconnects")):
        if ic.get("enclosureUri") == enclosure["uri"]:
            store.remove(ic["uri"])
    for internal in (_environment_uri(enclosure),
                     *(_csr_uri(enclosure, b) for b in (1, 2))):  # fmt: skip
        if store.get(internal) is not None:
            store.remove(internal)
    store.remove(enclosure["uri"])


# == enclosure groups ==================================================================


@bp.renderer(GROUPS)
def render_enclosure_group(doc: Doc, version: int) -> Doc:
    shown = compute_types.with_type(doc, compute_types.ENCLOSURE_GROUP_TYPES, version)
    if version < STACKING_MODE_DROPPED_AT:
        shown.setdefault("stackingMode", "Enclosure")
    else:
        shown.pop("stackingMode", None)
    return shown


@bp.get(GROUPS_BASE)
def list_enclosure_groups(ctx: Ctx) -> Reply:
    """Enclosure groups."""
    docs = ctx.appliance.store.iter(GROUPS)
    return query.page(ctx, docs, collection_type="EnclosureGroupListV8", category=GROUPS)


@bp.get(f"{GROUPS_BASE}/{{id}}")
def get_enclosure_group(ctx: Ctx) -> Reply:
    """One enclosure group."""
    return document_reply(ctx, ctx.appliance.store.require(ctx.path))


# -- create / update ---------------------------------------------------------------


def _duplicate_group_name(name: str) -> ApiError:
    return bad_request(
        "DUPLICATE_ENCLOSURE_GROUP_NAME",
        f"An enclosure group with the name {name} already exists.",
        details=f"Field name: {name!r} is used by another enclosure group.",
    )


def _group_choice(body: Doc, field: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(field, default)
    if value not in allowed:
        raise bad_request(
            "INVALID_ENCLOSURE_GROUP_PARAMETER",
            f"The {field} {value!r} is not valid for an enclosure group.",
            details=f"Field {field}: one of {', '.join(allowed)}.",
        )
    return str(value)


def _bay_mappings(appliance: Appliance, body: Doc, count: int) -> list[Doc]:
    mappings = body.get("interconnectBayMappings", [])
    if not isinstance(mappings, list):
        raise _bad_bay_mapping(mappings, "a list of {interconnectBay, logicalInterconnectGroupUri}")
    result = []
    for mapping in mappings:
        if not isinstance(mapping, dict):
            raise _bad_bay_mapping(mapping, "an object")
        bay = mapping.get("interconnectBay")
        if isinstance(bay, bool) or not isinstance(bay, int) or not 1 <= bay <= 6:
            raise _bad_bay_mapping(mapping, "interconnectBay is 1 to 6")
        index = mapping.get("enclosureIndex")
        if index is not None and (not isinstance(index, int) or not 1 <= index <= count):
            raise _bad_bay_mapping(mapping, f"enclosureIndex is null or 1 to {count}")
        lig = mapping.get("logicalInterconnectGroupUri")
        if lig is not None and (
            not isinstance(lig, str)
            or not lig.startswith("/rest/logical-interconnect-groups/")
            or appliance.store.get(lig) is None
        ):
            raise bad_reference("interconnectBayMappings.logicalInterconnectGroupUri", lig)
        result.append(
            {"interconnectBay": bay, "enclosureIndex": index, "logicalInterconnectGroupUri": lig}
        )
    bays = [(m["interconnectBay"], m["enclosureIndex"]) for m in result]
    if len(set(bays)) != len(bays):
        raise _bad_bay_mapping(mappings, "each interconnect bay is mapped once")
    return result


def _bad_bay_mapping(got: Any, rule: str) -> ApiError:
    return bad_request(
        "INVALID_INTERCONNECT_BAY_MAPPING",
        "The interconnect bay mappings of the enclosure group are not valid.",
        details=f"Field interconnectBayMappings: got {got!r}; {rule}.",
    )


def _enclosure_count(body: Doc, default: int) -> int:
    count = body.get("enclosureCount", default)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 5:
        raise bad_request(
            "INVALID_ENCLOSURE_COUNT",
            f"The enclosureCount {count!r} is not valid.",
            details="Field enclosureCount: an integer from 1 to 5.",
        )
    return count


def _ip_ranges(appliance: Appliance, body: Doc, mode: str, current: list[str]) -> list[str]:
    ranges = body.get("ipRangeUris", current)
    if not isinstance(ranges, list):
        raise bad_reference("ipRangeUris", ranges)
    for uri in ranges:
        if not isinstance(uri, str) or appliance.store.get(uri) is None:
            raise bad_reference("ipRangeUris", uri)
    if mode == "IpPool" and not ranges:
        raise bad_request(
            "INVALID_ENCLOSURE_GROUP_PARAMETER",
            "An enclosure group addressed from an IP pool needs IPv4 ranges.",
            details="Field ipRangeUris: give /rest/id-pools/ipv4/ranges/... URIs.",
        )
    return list(ranges)


def _group_fields(appliance: Appliance, body: Doc, current: Doc) -> Doc:
    count = _enclosure_count(body, current.get("enclosureCount") or 1)
    mappings = _bay_mappings(
        appliance,
        {"interconnectBayMappings": current.get("interconnectBayMappings", []), **body},
        count,
    )
    mode = _group_choice(body, "ipAddressingMode", IP_ADDRESSING_MODES,
                   current.get("ipAddressingMode") or "DHCP")  # fmt: skip
    ligs = sorted({m["logicalInterconnectGroupUri"] for m in mappings} - {None})
    fields: Doc = {
        "enclosureCount": count,
        "interconnectBayMappings": mappings,
        "interconnectBayMappingCount": len(mappings),
        "associatedLogicalInterconnectGroups": ligs,
        "ipAddressingMode": mode,
        "ipRangeUris": _ip_ranges(appliance, body, mode, current.get("ipRangeUris") or []),
        "powerMode": _group_choice(
            body, "powerMode", POWER_MODES, current.get("powerMode") or "RedundantPowerFeed"
        ),
    }
    for field in ("description", "ambientTemperatureMode", "osDeploymentSettings",
                  "portMappings"):  # fmt: skip
        if field in body:
            fields[field] = body[field]
    if "portMappings" in fields:
        fields["portMappingCount"] = len(fields["portMappings"] or [])
    return fields


@bp.post(GROUPS_BASE)
def create_enclosure_group(ctx: Ctx) -> Reply:
    """Create an enclosure group (201, synchronous)."""
    body = ctx.json_object()
    check_type(body, compute_types.ENCLOSURE_GROUP_TYPES, ctx.api_version)
    name = require_name(body, "enclosure group")
    if name_taken(ctx.appliance, GROUPS, name):
        raise _duplicate_group_name(name)
    enclosure_type = body.get("enclosureTypeUri", DEFAULT_ENCLOSURE_TYPE)
    if enclosure_type != DEFAULT_ENCLOSURE_TYPE:
        raise bad_request(
            "INVALID_ENCLOSURE_TYPE",
            f"The enclosure type {enclosure_type!r} is not supported by this appliance.",
            details=f"Field enclosureTypeUri: {DEFAULT_ENCLOSURE_TYPE} (Synergy frames).",
        )
    uri = f"{GROUPS_BASE}/{uuid.uuid4()}"
    doc: Doc = {
        "type": compute_types.ENCLOSURE_GROUP_TYPES[-1][1],
        "category": GROUPS,
        "uri": uri,
        "name": name,
        "description": None,
        "enclosureTypeUri": DEFAULT_ENCLOSURE_TYPE,
        "portMappingCount": 6,
        "portMappings": [{"midplanePort": n, "interconnectBay": n} for n in range(1, 7)],
        "ambientTemperatureMode": "Standard",
        "osDeploymentSettings": {
            "manageOSDeployment": False,
            "deploymentModeSettings": {"deploymentMode": "None", "deploymentNetworkUri": None},
        },
        "scopesUri": f"/rest/scopes/resources{uri}",
        "state": "Normal",
        "status": "OK",
    }
    doc.update(_group_fields(ctx.appliance, body, {}))
    stored = ctx.appliance.store.add(doc)
    return Reply(201, ctx.render(stored), {"Location": uri})


@bp.put(f"{GROUPS_BASE}/{{id}}")
def update_enclosure_group(ctx: Ctx) -> Reply:
    """Replace its editable fields (200, synchronous); the enclosure type stays."""
    current = ctx.appliance.store.require(ctx.path)
    body = ctx.json_object()
    check_type(body, compute_types.ENCLOSURE_GROUP_TYPES, ctx.api_version)
    require_current_etag(ctx, current)
    if body.get("enclosureTypeUri", current["enclosureTypeUri"]) != current["enclosureTypeUri"]:
        raise bad_request(
            "ENCLOSURE_GROUP_FIELD_NOT_UPDATABLE",
            "The enclosure type of an enclosure group cannot be changed.",
            details=f"Field enclosureTypeUri: it is {current['enclosureTypeUri']}.",
        )
    name = require_name({"name": body.get("name", current["name"])}, "enclosure group")
    if name != current["name"] and name_taken(
        ctx.appliance, GROUPS, name, ignore_uri=current["uri"]
    ):
        raise _duplicate_group_name(name)
    if _group_users(ctx.appliance, current["uri"]) and _changes_hardware(body, current):
        raise bad_request(
            "ENCLOSURE_GROUP_IN_USE",
            f"The enclosure group {current['name']} is in use: its enclosure count and "
            "interconnect bay mappings cannot change.",
            details="Used by: " + ", ".join(_group_users(ctx.appliance, current["uri"])[:5]) + ".",
        )
    changes = {"name": name, **_group_fields(ctx.appliance, body, current)}
    updated = ctx.appliance.store.update(current["uri"], changes)
    return Reply(200, ctx.render(updated))


def _changes_hardware(body: Doc, current: Doc) -> bool:
    if body.get("enclosureCount", current.get("enclosureCount")) != current.get("enclosureCount"):
        return True
    wanted = body.get("interconnectBayMappings")
    if wanted is None:
        return False
    key = ("interconnectBay", "enclosureIndex", "logicalInterconnectGroupUri")

    def normal(mappings: Any) -> list[tuple[Any, ...]]:
        items = mappings if isinstance(mappings, list) else []
        return sorted(
            (tuple(m.get(k) for k in key) for m in items if isinstance(m, dict)), key=repr
        )

    return normal(wanted) != normal(current.get("interconnectBayMappings"))


# -- delete --------------------------------------------------------------------------


def _group_users(appliance: Appliance, uri: str) -> list[str]:
    return [
        str(doc.get("name") or doc["uri"])
        for collection, field in GROUP_USERS
        for doc in appliance.store.iter(collection)
        if doc.get(field) == uri
    ]


@bp.delete(f"{GROUPS_BASE}/{{id}}")
def delete_enclosure_group(ctx: Ctx) -> Reply:
    """Delete it (204); refused while enclosures, profiles or templates use it."""
    current = ctx.appliance.store.require(ctx.path)
    require_current_etag(ctx, current)
    users = _group_users(ctx.appliance, current["uri"])
    if users:
        raise bad_request(
            "ENCLOSURE_GROUP_IN_USE",
            f"The enclosure group {current['name']} cannot be deleted because it is in use.",
            details=f"Used by {len(users)} resource(s): {', '.join(users[:5])}.",
        )
    store = ctx.appliance.store
    script = store.get(_group_script_uri(current["uri"]))
    if script is not None:
        store.remove(script["uri"])
    store.remove(current["uri"])
    return Reply(204)


# -- configuration script ------------------------------------------------------------


def _group_script_uri(uri: str) -> str:
    return f"/{GROUP_SCRIPT}/{uri.rsplit('/', 1)[1]}"


@bp.get(f"{GROUPS_BASE}/{{id}}/script")
def get_group_script(ctx: Ctx) -> Reply:
    """The configuration script run on its enclosures (a JSON string)."""
    uri = "/".join(ctx.path.split("/")[:4])
    ctx.appliance.store.require(uri)
    stored = ctx.appliance.store.get(_group_script_uri(uri))
    return Reply(200, stored["script"] if stored else "")


@bp.put(f"{GROUPS_BASE}/{{id}}/script")
def put_group_script(ctx: Ctx) -> Reply:
    """Replace the configuration script (a JSON string); the reply is the group (200)."""
    uri = "/".join(ctx.path.split("/")[:4])
    current = ctx.appliance.store.require(uri)
    script = ctx.body
    if isinstance(script, dict) and isinstance(script.get("script"), str):
        script = script["script"]
    if not isinstance(script, str):
        raise bad_request(
            "INVALID_JSON_DATA_TYPE",
            "The configuration script must be a JSON string.",
            details=f"Got {type(ctx.body).__name__}.",
        )
    ctx.appliance.store.put_internal({"uri": _group_script_uri(uri), "script": script})
    return Reply(200, ctx.render(ctx.appliance.store.touch(current["uri"])))
