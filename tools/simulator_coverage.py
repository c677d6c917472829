#!/usr/bin/env python3
"""Write doc/simulator-coverage.md: the hpeOneView 11 SDK's calls against the simulator's routes.

The inventory is read from the SDK's source (``ast``; nothing of it is imported or run):
for every resource class of the families below, its ``URI``, its ``DEFAULT_VALUES``
(the resource ``type`` per API version) and every public method, with the HTTP
method and path template each one sends (the sub-resource URIs its body builds with
``format``, ``+``, f-strings, ``build_uri``/``build_subresource_uri``; inherited
``Resource`` methods from a table of what ``resource.py`` sends). Each call is then
matched against the simulator's routes (``resources.blueprints()``, the same
``Router`` the app uses; no server is started):

- **served**: a route takes it (a literal SDK segment is never counted as taken by a
  ``{placeholder}`` route: the simulator would look it up as an id);
- **refused**: the route's handler summary starts with ``Refused`` and says why (the
  convention for calls a real appliance refuses too);
- **left out**: no route; the reason is ``LEFT_OUT`` below, else "not simulated yet".

    .venv/bin/python tools/simulator_coverage.py            # rewrite the document
    .venv/bin/python tools/simulator_coverage.py --check    # exit 1 when it is stale
    .venv/bin/python tools/simulator_coverage.py --output FILE
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "doc" / "simulator-coverage.md"
PACKAGE = "hpeOneView.resources"


@dataclass(frozen=True)
class Source:
    """One SDK resource class; ``bases`` overrides the URI of classes built with a type."""

    module: str  # under hpeOneView.resources
    cls: str
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Family:
    name: str
    sources: tuple[Source, ...]


FAMILIES: tuple[Family, ...] = (
    Family("Server hardware", (Source("servers.server_hardware", "ServerHardware"),)),
    Family(
        "Server hardware types", (Source("servers.server_hardware_types", "ServerHardwareTypes"),)
    ),
    Family("Server profiles", (Source("servers.server_profiles", "ServerProfiles"),)),
    Family(
        "Server profile templates",
        (Source("servers.server_profile_templates", "ServerProfileTemplate"),),
    ),
    Family("Enclosures", (Source("servers.enclosures", "Enclosures"),)),
    Family("Enclosure groups", (Source("servers.enclosure_groups", "EnclosureGroups"),)),
    Family("Logical enclosures", (Source("servers.logical_enclosures", "LogicalEnclosures"),)),
    Family("Interconnects", (Source("networking.interconnects", "Interconnects"),)),
    Family("Interconnect types", (Source("networking.interconnect_types", "InterconnectTypes"),)),
    Family(
        "Logical interconnects",
        (Source("networking.logical_interconnects", "LogicalInterconnects"),),
    ),
    Family(
        "Logical interconnect groups",
        (Source("networking.logical_interconnect_groups", "LogicalInterconnectGroups"),),
    ),
    Family("Uplink sets", (Source("networking.uplink_sets", "UplinkSets"),)),
    Family("Ethernet networks", (Source("networking.ethernet_networks", "EthernetNetworks"),)),
    Family("FC networks", (Source("networking.fc_networks", "FcNetworks"),)),
    Family("FCoE networks", (Source("networking.fcoe_networks", "FcoeNetworks"),)),
    Family("Network sets", (Source("networking.network_sets", "NetworkSets"),)),
    Family(
        "Connection templates",
        (Source("networking.connection_templates", "ConnectionTemplates"),),
    ),
    Family(
        "ID pools and ranges",
        (
            Source("servers.id_pools", "IdPools"),
            Source(
                "servers.id_pools_ranges",
                "IdPoolsRanges",
                (
                    "/rest/id-pools/vmac/ranges",
                    "/rest/id-pools/vwwn/ranges",
                    "/rest/id-pools/vsn/ranges",
                ),
            ),
            Source("servers.id_pools_ipv4_ranges", "IdPoolsIpv4Ranges"),
            Source("servers.id_pools_ipv4_subnets", "IdPoolsIpv4Subnets"),
        ),
    ),
    Family(
        "Firmware drivers and bundles",
        (
            Source("settings.firmware_drivers", "FirmwareDrivers"),
            Source("settings.firmware_bundles", "FirmwareBundles"),
        ),
    ),
    Family("Tasks", (Source("activity.tasks", "Tasks"),)),
    Family("Alerts", (Source("activity.alerts", "Alerts"),)),
    Family("Events", (Source("activity.events", "Events"),)),
    Family("Scopes", (Source("settings.scopes", "Scopes"),)),
    Family("Labels", (Source("search.labels", "Labels"),)),
    Family("Index search", (Source("search.index_resources", "IndexResources"),)),
    Family("Users", (Source("security.users", "Users"),)),
    Family("Roles", (Source("security.roles", "Roles"),)),
    Family("Login details", (Source("security.login_details", "LoginDetails"),)),
    Family(
        "Appliance information",
        (Source("settings.appliance_node_information", "ApplianceNodeInformation"),),
    ),
    Family("Versions", (Source("settings.versions", "Versions"),)),
)

# Why a call is left out on purpose: (path regex, reason). First match wins.
LEFT_OUT: tuple[tuple[str, str], ...] = (
    (
        r"/physicalServerHardware$",
        "Superdome X (SDX) partitions: hardware the simulated datacenter does not have",
    ),
    (
        r"/javaRemoteConsoleUrl$",
        "the iLO Java applet console: gone from iLO 5 and later, which the seeded servers have",
    ),
)
NOT_YET = "not simulated yet"
# ``{resourceUri}``: a whole resource URI the SDK appends to a path (scopes, labels, index).
WHOLE_URI = "/rest/sdk-resources/sdk-id-0"

# What resource.py's base classes send, for methods a class inherits without overriding.
# name -> (HTTP method, path relative to the class URI; "/{id}" is one resource).
INHERITED: dict[str, dict[str, tuple[str, str]]] = {
    "Resource": {
        "get_all": ("GET", ""),
        "create": ("POST", ""),
        "update": ("PUT", "/{id}"),
        "delete": ("DELETE", "/{id}"),
        "get_by": ("GET", ""),
        "get_by_name": ("GET", ""),
        "get_by_field": ("GET", ""),
        "get_by_uri": ("GET", "/{id}"),
        "get_by_id": ("GET", "/{id}"),
        "refresh": ("GET", "/{id}"),
    },
    "ResourcePatchMixin": {"patch": ("PATCH", "/{id}"), "patch_request": ("PATCH", "/{id}")},
    "ResourceUtilizationMixin": {"get_utilization": ("GET", "/{id}/utilization")},
    "ResourceSchemaMixin": {"get_schema": ("GET", "/schema")},
    "ResourceZeroBodyMixin": {
        "create_with_zero_body": ("POST", ""),
        "update_with_zero_body": ("PUT", "/{id}"),
    },
    "ResourceFileHandlerMixin": {"upload": ("POST", ""), "download": ("GET", "/{id}")},
}
NOT_CALLS = frozenset({"new", "ensure_resource_data"})  # public, but no request of their own

# Helper calls that send a request: name -> (HTTP method, where the URI argument is
# (position, keyword), the default path relative to the class URI when it is absent).
# The positions are those of ResourceHelper/ResourceClient (self._helper, self._client)
# and of Resource's own methods (self.create(data, uri=...)).
CALLS: dict[str, tuple[str, int | None, str]] = {
    "do_get": ("GET", 0, ""),
    "get": ("GET", 0, "/{id}"),
    "get_by_uri": ("GET", 0, "/{id}"),
    "get_by_id": ("GET", None, "/{id}"),
    "get_collection": ("GET", 0, ""),
    "do_requests_to_getall": ("GET", 0, ""),
    "get_all": ("GET", 7, ""),
    "get_by": ("GET", None, ""),
    "get_by_name": ("GET", None, ""),
    "get_by_field": ("GET", None, ""),
    "get_utilization": ("GET", None, "/{id}/utilization"),
    "get_schema": ("GET", None, "/schema"),
    "download": ("GET", 0, "/{id}"),
    "do_post": ("POST", 0, ""),
    "create": ("POST", 1, ""),
    "create_with_zero_body": ("POST", 0, ""),
    "create_report": ("POST", 0, ""),
    "upload": ("POST", 1, ""),
    "do_put": ("PUT", 0, "/{id}"),
    "update": ("PUT", 1, "/{id}"),
    "update_with_zero_body": ("PUT", 0, "/{id}"),
    "delete": ("DELETE", 0, "/{id}"),
    "delete_all": ("DELETE", None, ""),
    "patch": ("PATCH", 0, "/{id}"),
    "patch_request": ("PATCH", 0, "/{id}"),
}
# Positions differ for Resource's own methods called on self (create(data, uri), ...).
SELF_POSITIONS: dict[str, int | None] = {
    "delete": None,
    "update": None,
    "patch": None,
    "get_all": None,
    "patch_request": 0,
}
RECEIVERS = frozenset({"_helper", "_client", "_connection"})
ID_NAMES = re.compile(
    r"\{(?:id_or_uri|uri|resource|name_or_uri|id|[a-z_]*id_or_uri|resource_uri)\}"
)
API_NOTE = re.compile(r"api[ _]?version (?:is )?(\d{3,4})(?: or later| and above|\+)?", re.I)


@dataclass(frozen=True)
class Call:
    family: str
    source: str  # Class.method
    method: str
    template: str
    note: str = ""


@dataclass
class Row:
    call: Call
    status: str  # served / refused / left out
    detail: str


@dataclass
class ClassInfo:
    name: str
    uri: str
    default_types: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- SDK side


def sdk_version() -> str:
    return importlib.metadata.version("hpeOneView")


def _module_tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(f"{PACKAGE}.{module}".rsplit(".", 1)[0])
    assert spec and spec.submodule_search_locations, module
    path = Path(next(iter(spec.submodule_search_locations))) / (module.rsplit(".", 1)[1] + ".py")
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def read_class(module: str, name: str) -> ClassInfo:
    tree = _module_tree(module)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    info = ClassInfo(name, "", bases=[b.id for b in node.bases if isinstance(b, ast.Name)])
    for item in node.body:
        if isinstance(item, ast.Assign) and len(item.targets) == 1:
            target = item.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if isinstance(item.value, ast.Constant) and isinstance(item.value.value, str):
                info.constants[target.id] = item.value.value
            elif target.id == "DEFAULT_VALUES" and isinstance(item.value, ast.Dict):
                info.default_types = _default_types(item.value)
        elif isinstance(item, ast.FunctionDef):
            info.methods[item.name] = item
    info.uri = info.constants.get("URI", "")
    return info


def _default_types(node: ast.Dict) -> dict[str, str]:
    types: dict[str, str] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(value, ast.Dict)):
            continue
        for inner_key, inner_value in zip(value.keys, value.values, strict=True):
            if (
                isinstance(inner_key, ast.Constant)
                and inner_key.value == "type"
                and isinstance(inner_value, ast.Constant)
            ):
                types[str(key.value)] = str(inner_value.value)
    return dict(sorted(types.items(), key=lambda item: int(item[0])))


class MethodReader:
    """The requests one method sends, by evaluating its URI expressions symbolically."""

    def __init__(self, info: ClassInfo, base: str) -> None:
        self.info = info
        self.base = base
        self.helpers: dict[str, str] = {}
        self.returning: set[str] = set()

    def _returns(self, function: ast.FunctionDef) -> list[str | None]:
        """What a (private) method of the class returns, for URIs it builds."""
        params = {a.arg for a in function.args.args + function.args.kwonlyargs}
        env: dict[str, list[str | None]] = {}
        results: list[str | None] = []
        for node in sorted(
            (n for n in ast.walk(function) if isinstance(n, ast.Assign | ast.Return)),
            key=lambda n: (n.lineno, n.col_offset),
        ):
            if isinstance(node, ast.Assign):
                self._assign(node, env, params)
            elif node.value is not None:
                results += self.values(node.value, env, params)
        return list(dict.fromkeys(results)) or [None]

    def calls(self, function: ast.FunctionDef, depth: int = 2) -> set[tuple[str, str]]:
        params = {a.arg for a in function.args.args + function.args.kwonlyargs}
        env: dict[str, list[str | None]] = {}
        found: set[tuple[str, str]] = set()
        nodes = sorted(
            (n for n in ast.walk(function) if isinstance(n, ast.Assign | ast.AugAssign | ast.Call)),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for node in nodes:
            if isinstance(node, ast.Assign):
                self._assign(node, env, params)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                if isinstance(node.op, ast.Add):
                    before = self.values(node.target, env, params)
                    added = self.values(node.value, env, params)
                    env[node.target.id] = [_concat(a, b) for a in before for b in added]
            elif isinstance(node, ast.Call):
                found |= self._request(node, env, params, depth)
        return found

    def _assign(self, node: ast.Assign, env: dict[str, list[str | None]], params: set[str]) -> None:
        value = node.value
        helper = _helper_base(value)
        for target in node.targets:
            if not isinstance(target, ast.Name):
                continue
            if helper is not None:  # x = ResourceHelper('/rest/...', ...): a client of its own
                self.helpers[target.id] = helper
                continue
            values = self.values(value, env, params)
            refers_to_itself = any(
                isinstance(n, ast.Name) and n.id == target.id for n in ast.walk(value)
            )
            if refers_to_itself or target.id not in env:
                env[target.id] = values
            else:  # another branch's value: both are sent, depending on the arguments
                env[target.id] = list(dict.fromkeys(env[target.id] + values))

    def _request(
        self, node: ast.Call, env: dict[str, list[str | None]], params: set[str], depth: int
    ) -> set[tuple[str, str]]:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return set()
        receiver = func.value
        on_self = isinstance(receiver, ast.Name) and receiver.id == "self"
        on_super = isinstance(receiver, ast.Call) and getattr(receiver.func, "id", "") == "super"
        on_helper = (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "self"
            and receiver.attr in RECEIVERS
        )
        name = func.attr
        if isinstance(receiver, ast.Name) and receiver.id in self.helpers and name in CALLS:
            http, _, default = CALLS[name]
            return {(http, self.helpers[receiver.id] + default)}
        if not (on_self or on_super or on_helper):
            return set()
        if name == "do_http" and node.args and isinstance(node.args[0], ast.Constant):
            target = next((k.value for k in node.keywords if k.arg == "path"), None)
            if target is None and len(node.args) > 1:
                target = node.args[1]
            values = self.values(target, env, params) if target is not None else [None]
            return {(str(node.args[0].value), self._path(v, "/{id}")) for v in values}
        if (on_self or on_super) and name in self.info.methods and name not in CALLS:
            if depth == 0:
                return set()
            return self.calls(self.info.methods[name], depth - 1)
        if name not in CALLS:
            return set()
        http, position, default = CALLS[name]
        if on_self or on_super:
            position = SELF_POSITIONS.get(name, position)
        argument: ast.expr | None = None
        for keyword in node.keywords:
            if keyword.arg in ("uri", "id_or_uri"):
                argument = keyword.value
        if argument is None and position is not None and len(node.args) > position:
            argument = node.args[position]
        if argument is None:
            return {(http, self.base + default)}
        paths = {self._path(value, default) for value in self.values(argument, env, params)}
        return {(http, path) for path in paths}

    def _path(self, value: str | None, default: str) -> str:
        if value is None:
            return self.base + default + "/{?}"
        value = value.split("?", 1)[0]
        # a resource's whole URI appended to a path ("/rest/scopes/resources" + uri)
        value = re.sub(r"(?<=.)\{resource_uri\}", "{resourceUri}", value)
        value = ID_NAMES.sub("{id}", value)
        if value == "{id}" and default.startswith("/{id}"):
            return self.base + default
        if value == "{id}" and default == "":
            return self.base  # create(data, uri=None): the collection unless told otherwise
        if not value.startswith("/"):
            value = f"{self.base}/{value}"
        value = value.replace("{id}/", "{id}/", 1)
        if value.startswith("{id}"):
            value = self.base + "/" + value
        return re.sub(r"(?<!^)/+", "/", value).rstrip("/") or "/"

    def values(
        self, node: ast.expr, env: dict[str, list[str | None]], params: set[str]
    ) -> list[str | None]:
        """Every string the expression may be (None for a part that cannot be known)."""
        if isinstance(node, ast.Constant):
            return [node.value if isinstance(node.value, str) else str(node.value)]
        if isinstance(node, ast.Name):
            if node.id in env:
                return list(dict.fromkeys(env[node.id]))
            return [f"{{{node.id}}}"] if node.id in params else [None]
        if isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", self.info.name):
                if node.attr == "URI":
                    return [self.base]
                if node.attr in self.info.constants:
                    return [self.info.constants[node.attr]]
            if isinstance(owner, ast.Attribute) and owner.attr == "__class__":
                return [self.base] if node.attr == "URI" else [None]
            return [None]
        if isinstance(node, ast.Subscript):
            # self.data["uri"]: this resource's URI
            key = node.slice
            if isinstance(key, ast.Constant) and key.value == "uri":
                return [self.base + "/{id}"]
            return [None]
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "uri":
                    return self.values(value, env, params)
            return [None]
        if isinstance(node, ast.BinOp):
            left = self.values(node.left, env, params)
            if isinstance(node.op, ast.Add):
                right = self.values(node.right, env, params)
                return [_concat(a, b) for a in left for b in right]
            if isinstance(node.op, ast.Mod):
                return [re.sub(r"%[sd]", "{?}", a) if a is not None else None for a in left]
            return [None]
        if isinstance(node, ast.JoinedStr):
            results: list[str | None] = [""]
            for part in node.values:
                pieces = (
                    self.values(part.value, env, params)
                    if isinstance(part, ast.FormattedValue)
                    else self.values(part, env, params)
                )
                results = [_concat(a, b) for a in results for b in pieces]
            return results
        if isinstance(node, ast.IfExp):
            return self.values(node.body, env, params) + self.values(node.orelse, env, params)
        if isinstance(node, ast.Call):
            return self._call_value(node, env, params)
        return [None]

    def _call_value(
        self, node: ast.Call, env: dict[str, list[str | None]], params: set[str]
    ) -> list[str | None]:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        args = [self.values(a, env, params) for a in node.args]
        keywords = {k.arg: self.values(k.value, env, params) for k in node.keywords if k.arg}
        if name in ("get", "pop") and args and args[0] == ["uri"]:
            return [self.base + "/{id}"]  # resource.get('uri'): the resource's own URI
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
            and name in self.info.methods
            and name not in self.returning
        ):
            self.returning.add(name)
            try:
                return self._returns(self.info.methods[name])
            finally:
                self.returning.discard(name)
        if name == "format" and isinstance(func, ast.Attribute):
            return [
                _format(template, [a[0] for a in args], {k: v[0] for k, v in keywords.items()})
                for template in self.values(func.value, env, params)
            ]
        if name in ("quote", "str") and args:
            return args[0]
        if name in ("replace", "strip", "rstrip", "lower", "encode") and isinstance(
            func, ast.Attribute
        ):
            return self.values(func.value, env, params)
        if name == "extract_id_from_uri":
            return ["{id}"]
        if name == "build_uri":
            given = args[0] if args else [None]
            if given and given[0] and "{" not in given[0] and "/" not in given[0]:
                return [f"{self.base}/{given[0]}"]  # build_uri('changePassword'): a literal
            return [self.base + "/{id}"]
        if name == "build_subresource_uri":
            given = {**dict(zip(("r", "s", "p"), args, strict=False))}
            for key, short in (
                ("resource_id_or_uri", "r"),
                ("subresource_id_or_uri", "s"),
                ("subresource_path", "p"),
            ):
                if key in keywords:
                    given[short] = keywords[key]
            path = (given.get("p") or [""])[0] or ""
            sub = "/{subId}" if given.get("s") else ""
            return [f"{self.base}/{{id}}/{path.strip('/')}{sub}"]
        if name in ("build_query_uri", "build_uri_with_query_string"):
            if "uri" in keywords:
                return keywords["uri"]
            return [self.base]
        return [None]


def _concat(a: str | None, b: str | None) -> str | None:
    """``a + b``; once a query string has begun, the rest does not change the path."""
    if a is not None and "?" in a:
        return a
    return a + b if a is not None and b is not None else None


def _helper_base(node: ast.expr) -> str | None:
    """The URI of ``ResourceHelper('/rest/...', ...)`` / ``ResourceClient(con, '/rest/...')``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id not in ("ResourceHelper", "ResourceClient"):
        return None
    for argument in node.args:
        if isinstance(argument, ast.Constant) and str(argument.value).startswith("/rest"):
            return str(argument.value)
    return None


def _format(
    template: str | None, args: list[str | None], kwargs: dict[str, str | None]
) -> str | None:
    if template is None:
        return None
    counter = iter(range(len(args)))
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        key = match.group(1)
        if key == "":
            index = next(counter, None)
            value = args[index] if index is not None else None
        elif key.isdigit():
            value = args[int(key)] if int(key) < len(args) else None
        else:
            value = kwargs.get(key)
        if value is None:
            return "{?}"
        return value

    result = re.sub(r"\{(\w*)\}", replace, template)
    return None if failed else result


def _inherited(info: ClassInfo) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for base in reversed(info.bases):
        table.update(INHERITED.get(base, {}))
    return table


def sdk_calls() -> tuple[list[Call], dict[str, list[tuple[Source, ClassInfo]]]]:
    calls: list[Call] = []
    classes: dict[str, list[tuple[Source, ClassInfo]]] = {}
    for family in FAMILIES:
        for source in family.sources:
            info = read_class(source.module, source.cls)
            classes.setdefault(family.name, []).append((source, info))
            for base in source.bases or (info.uri,):
                calls.extend(_class_calls(family.name, source, info, base))
    return calls, classes


def _class_calls(family: str, source: Source, info: ClassInfo, base: str) -> Iterator[Call]:
    reader = MethodReader(info, base)
    inherited = _inherited(info)
    names = sorted({n for n in info.methods if not n.startswith("_")} | set(inherited) - NOT_CALLS)
    for name in names:
        function = info.methods.get(name)
        if function is None:
            http, suffix = inherited[name]
            yield Call(family, f"{info.name}.{name}", http, base + suffix, "inherited")
            continue
        note = _api_note(function)
        found = reader.calls(function)
        if _raises_unavailable(function):
            yield Call(
                family, f"{info.name}.{name}", "-", "-", "the SDK raises instead of sending it"
            )
        elif not found:
            yield Call(
                family,
                f"{info.name}.{name}",
                "-",
                "-",
                "no request of its own (client-side, or through another resource class)",
            )
        for http, path in sorted(found):
            yield Call(family, f"{info.name}.{name}", http, path, note)


def _raises_unavailable(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Call) and getattr(n.func, "id", "") == "unavailable_method"
        for n in ast.walk(function)
    )


def _api_note(function: ast.FunctionDef) -> str:
    doc = ast.get_docstring(function) or ""
    match = API_NOTE.search(doc)
    return f"SDK: API {match.group(1)}+" if match else ""


# --------------------------------------------------------------------------- simulator side


def classify(calls: list[Call]) -> list[Row]:
    from oneview_openstack.simulator import resources
    from oneview_openstack.simulator.errors import ApiError
    from oneview_openstack.simulator.router import Router

    router = Router(resources.blueprints())
    rows: list[Row] = []
    for call in calls:
        if call.method == "-":
            rows.append(Row(call, "n/a", ""))
            continue
        concrete = call.template.replace("{resourceUri}", WHOLE_URI)
        concrete = re.sub(r"\{[^}]*\}", "sdk-id-0", concrete)
        try:
            route, _ = router.match(call.method, concrete)
        except ApiError:
            rows.append(Row(call, "left out", _left_out_reason(call.template)))
            continue
        if not _same_literals(call.template, route.template):
            rows.append(
                Row(
                    call,
                    "left out",
                    f"{_left_out_reason(call.template)} ({route.template} would take it as an id)",
                )
            )
        elif route.summary.startswith("Refused"):
            rows.append(Row(call, "refused", route.summary))
        else:
            rows.append(Row(call, "served", f"`{route.method} {route.template}`"))
    return rows


def _same_literals(sdk: str, served: str) -> bool:
    """No literal segment of the SDK's path is taken by a placeholder of the route."""
    for mine, theirs in zip(sdk.split("/"), served.split("/"), strict=False):
        if theirs.startswith("{") and not mine.startswith("{"):
            return False
    return True


def _left_out_reason(template: str) -> str:
    for pattern, reason in LEFT_OUT:
        if re.search(pattern, template):
            return reason
    return NOT_YET


# --------------------------------------------------------------------------- the document


def render() -> str:
    calls, classes = sdk_calls()
    rows = classify(calls)
    lines = [
        "# Simulator coverage of the hpeOneView SDK",
        "",
        "<!-- Generated by tools/simulator_coverage.py; do not edit by hand. -->",
        "",
        f"Every public method of the `hpeOneView` {sdk_version()} resource classes of the families "
        "issue 11 names, with the HTTP request it sends (read from the SDK's source) and what "
        "the simulator does with it: **served** (a route takes it), **refused** (a route "
        "answers the way a real appliance refuses it; the handler says why), **left out** "
        "(no route; why). `{id}` stands for one resource of the class's URI; a path with "
        "`{?}` has a part the SDK computes at run time. `make test` checks this file is up "
        "to date (tests/simulator/test_coverage_doc.py); after adding routes run "
        "`.venv/bin/python tools/simulator_coverage.py`.",
        "",
        "## Summary",
        "",
        "| Family | SDK calls | served | refused | left out |",
        "|---|---:|---:|---:|---:|",
    ]
    totals = [0, 0, 0, 0]
    for family in FAMILIES:
        counted = _counts([r for r in rows if r.call.family == family.name])
        totals = [a + b for a, b in zip(totals, counted, strict=True)]
        lines.append(
            f"| [{family.name}](#{_anchor(family.name)}) | " + " | ".join(map(str, counted)) + " |"
        )
    lines.append("| **Total** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    lines.append("")
    lines.append(
        "Calls are distinct (HTTP method, path) pairs; one SDK method may send several, and "
        "several methods may send the same one."
    )
    for family in FAMILIES:
        lines += ["", f"## {family.name}", ""]
        for source, info in classes[family.name]:
            uris = ", ".join(f"`{u}`" for u in (source.bases or (info.uri,)))
            lines.append(f"- `hpeOneView.resources.{source.module}.{source.cls}`: {uris}")
            if info.default_types:
                types = ", ".join(f"{v}: `{t}`" for v, t in info.default_types.items())
                lines.append(f"  - resource `type` the SDK sends per API version: {types}")
        lines += ["", "| SDK method | Request | Simulator | Why / route |", "|---|---|---|---|"]
        for row in rows:
            if row.call.family != family.name:
                continue
            request = "-" if row.call.method == "-" else f"`{row.call.method} {row.call.template}`"
            detail = "; ".join(part for part in (row.detail, row.call.note) if part)
            lines.append(f"| `{row.call.source}` | {request} | {row.status} | {detail} |")
    return "\n".join(lines) + "\n"


def _counts(rows: list[Row]) -> list[int]:
    distinct: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.call.method == "-":
            continue
        distinct[(row.call.method, row.call.template)] = row.status
    statuses = list(distinct.values())
    return [
        len(statuses),
        statuses.count("served"),
        statuses.count("refused"),
        statuses.count("left out"),
    ]


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DOCUMENT)
    parser.add_argument("--check", action="store_true", help="exit 1 when the document is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run tools/simulator_coverage.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
