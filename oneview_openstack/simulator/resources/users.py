"""Local users and roles: /rest/users, /rest/roles, /rest/logindetails,
/rest/logindomains/global-settings (hpeOneView's Users, Roles, LoginDetails).

Logins live in ``appliance.sessions`` (what authenticates a request); the user
documents (full name, e-mail, roles) live in the store under ``/rest/users/{userName}``.
Seed users without a document are described from their login. Passwords are never
returned, nor kept: a login holds a salted hash. Once the API changes a login, every
login (name, role, hash) is one internal document, ``/rest/_logins/local``, so the
state file keeps them and a restart restores them (``restore_logins``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from oneview_openstack.simulator.auth import (
    LOCAL_DOMAIN,
    Role,
    User,
    hash_password,
    login_record,
    user_from_record,
)
from oneview_openstack.simulator.errors import ApiError, bad_request
from oneview_openstack.simulator.router import Access, Blueprint, Ctx, Reply

if TYPE_CHECKING:
    from oneview_openstack.simulator.appliance import Appliance

bp = Blueprint()

Doc = dict[str, Any]
USERS = "/rest/users"
PROFILE_FIELDS = ("fullName", "emailAddress", "officePhone", "mobilePhone", "enabled")
LOGINS = "/rest/_logins/local"
# The REST API reference's pattern for userName (users, UserV2): maxLength 39.
USER_NAME = r"[A-Za-z][A-Za-z0-9_-]{0,38}"
LOGIN_KEY_RULE = r"""[^<>;,"'&\\/|+:= ]{8,40}"""  # the reference's pattern and lengths


def _put_login(appliance: Appliance, user: User) -> None:
    appliance.sessions.put_user(user)
    _save_logins(appliance)


def _remove_login(appliance: Appliance, name: str) -> None:
    appliance.sessions.remove_user(name)
    _save_logins(appliance)


def _save_logins(appliance: Appliance) -> None:
    """Every login into the store (and so the state file): names, roles, password hashes."""
    logins = [login_record(user) for user in appliance.sessions.users()]
    appliance.store.put_internal({"uri": LOGINS, "logins": logins})


def restore_logins(appliance: Appliance) -> None:
    """After a state file was applied: the logins it holds replace the seed's."""
    doc = appliance.store.get(LOGINS)
    if doc is not None:
        appliance.sessions.replace_users([user_from_record(r) for r in doc["logins"]])


def _user_not_found(name: str) -> ApiError:
    return ApiError(
        404,
        "USER_NOT_FOUND",
        f"The user {name!r} was not found.",
        details=f"No local user has the login name {name!r}.",
        recommended_actions=["Check the user name and try again."],
    )


def _role_names(appliance: Appliance, name: str, user: User) -> list[str]:
    doc = appliance.store.get(f"{USERS}/{name}")
    if doc is not None:
        return list(doc.get("roles") or [])
    return [user.role.value]


def user_doc(appliance: Appliance, name: str) -> Doc:
    user = appliance.sessions.user(name)
    if user is None:
        raise _user_not_found(name)
    stored = appliance.store.get(f"{USERS}/{name}") or {}
    roles = _role_names(appliance, name, user)
    return {
        "type": "UserAndPermissions",
        "category": "users",
        "uri": f"{USERS}/{name}",
        "userName": name,
        "fullName": stored.get("fullName", name),
        "emailAddress": stored.get("emailAddress", ""),
        "officePhone": stored.get("officePhone", ""),
        "mobilePhone": stored.get("mobilePhone", ""),
        "enabled": stored.get("enabled", True),
        "roles": roles,
        "permissions": [{"roleName": role, "scopeUri": None} for role in roles],
        "eTag": stored.get("eTag"),
        "created": stored.get("created"),
        "modified": stored.get("modified"),
    }


def _all_users(appliance: Appliance) -> list[Doc]:
    return [user_doc(appliance, name) for name in appliance.sessions.user_names()]


def _roles_from(body: Doc) -> list[str]:
    """Role names from ``permissions`` ([{roleName}]) or ``roles`` ([name])."""
    names: list[Any] = []
    if isinstance(body.get("permissions"), list):
        names += [p.get("roleName") if isinstance(p, dict) else p for p in body["permissions"]]
    if isinstance(body.get("roles"), list):
        names += [r.get("roleName") if isinstance(r, dict) else r for r in body["roles"]]
    return _checked_roles(names)


def _checked_roles(names: list[Any]) -> list[str]:
    known = {role.value.lower(): role.value for role in Role}
    roles: list[str] = []
    for name in names:
        value = known.get(str(name).lower())
        if value is None:
            raise bad_request(
                "INVALID_ROLE",
                f"The role {name!r} does not exist.",
                details=f"Roles: {', '.join(role.value for role in Role)}.",
            )
        if value not in roles:
            roles.append(value)
    return roles


def _login_role(roles: list[str]) -> Role:
    """The role that decides what the login may do: any writing role wins."""
    for name in roles:
        if name != Role.READ_ONLY.value:
            return Role(name)
    return Role.READ_ONLY


def _check_password(password: Any) -> str:
    """The REST API reference's rule: 8 to 40 characters, none of ``<>;,"'&\\/|+:=`` or space."""
    if not isinstance(password, str) or not re.fullmatch(LOGIN_KEY_RULE, password):
        raise bad_request(
            "PASSWORD_INVALID",
            "The password does not meet the appliance's requirements.",
            details="A password has 8 to 40 characters, none of < > ; , \" ' & \\ / | + : = "
            "or a space.",
        )
    return password


def _create_one(ctx: Ctx, body: Any) -> Doc:
    if not isinstance(body, dict):
        raise bad_request(
            "INVALID_JSON_DATA_TYPE", "Invalid JSON data type.", details="Each user is an object."
        )
    appliance = ctx.appliance
    name = body.get("userName")
    if not isinstance(name, str) or not re.fullmatch(USER_NAME, name):
        raise bad_request(
            "INVALID_USER_NAME",
            f"The user name {name!r} is not valid.",
            details="1 to 39 characters: a letter first, then letters, digits, '_' or '-'.",
        )
    if appliance.sessions.user(name) is not None:
        raise ApiError(
            409,
            "USER_ALREADY_EXISTS",
            f"The user {name!r} already exists.",
            details="Login names are unique on the appliance.",
            recommended_actions=["Choose another user name."],
        )
    password = _check_password(body.get("password"))
    roles = _roles_from(body)
    if not roles:
        raise bad_request(
            "INVALID_ROLE", "A user needs at least one role.", details="Give permissions."
        )
    _put_login(appliance, User(name, hash_password(password), _login_role(roles)))
    doc = {"uri": f"{USERS}/{name}", "category": "users", "userName": name, "roles": roles}
    doc.update({k: body[k] for k in PROFILE_FIELDS if k in body})
    appliance.store.add(doc)
    return user_doc(appliance, name)


def _store_user(appliance: Appliance, name: str, changes: Doc) -> None:
    uri = f"{USERS}/{name}"
    if appliance.store.get(uri) is None:
        user = appliance.sessions.user(name)
        roles = [user.role.value] if user else []
        appliance.store.add({"uri": uri, "category": "users", "userName": name, "roles": roles})
    appliance.store.update(uri, changes)


def _set_roles(appliance: Appliance, name: str, roles: list[str]) -> None:
    user = appliance.sessions.user(name)
    if user is None:
        raise _user_not_found(name)
    _put_login(appliance, User(name, user.password_hash, _login_role(roles)))
    _store_user(appliance, name, {"roles": roles})


@bp.get(USERS)
def list_users(ctx: Ctx) -> Reply:
    """The appliance's local users."""
    from oneview_openstack.simulator import query

    return query.page(ctx, _all_users(ctx.appliance), collection_type="UserList", category="users")


@bp.post(USERS)
def create_users(ctx: Ctx) -> Reply:
    """Create a user (or several with ``multiResource=true`` and a list body)."""
    if isinstance(ctx.body, list):
        return Reply(200, [_create_one(ctx, entry) for entry in ctx.body])
    return Reply(200, _create_one(ctx, ctx.json_object()))


@bp.put(USERS)
def update_user(ctx: Ctx) -> Reply:
    """Change a user's details, roles, or password (``currentPassword`` for one's own)."""
    body = ctx.json_object()
    name = str(body.get("userName") or "")
    user = ctx.appliance.sessions.user(name)
    if user is None:
        raise _user_not_found(name)
    changes = {k: body[k] for k in PROFILE_FIELDS if k in body}
    if "password" in body and body["password"]:
        password = _check_password(body["password"])
        _put_login(ctx.appliance, User(name, hash_password(password), user.role))
    if "permissions" in body or "roles" in body:
        roles = _roles_from(body)
        if roles:
            _set_roles(ctx.appliance, name, roles)
    _store_user(ctx.appliance, name, changes)
    return Reply(200, user_doc(ctx.appliance, name))


@bp.delete(USERS)
def delete_users(ctx: Ctx) -> Reply:
    """Delete the users named by ``query=(loginname='a') or (loginname='b')``."""
    expression = unquote(ctx.arg("query") or "")
    names = re.findall(r"loginname\s*=\s*'([^']*)'", expression, flags=re.IGNORECASE)
    if not names:
        raise bad_request(
            "INVALID_QUERY",
            "Name the users to delete.",
            details="query=(loginname='a') or (loginname='b').",
        )
    for name in names:
        _delete(ctx, name)
    return Reply(204)


def _delete(ctx: Ctx, name: str) -> None:
    if ctx.appliance.sessions.user(name) is None:
        raise _user_not_found(name)
    if ctx.user is not None and ctx.user.name == name:
        raise bad_request(
            "CANNOT_DELETE_SELF",
            "You cannot delete the user you are logged in as.",
            details=f"The session belongs to {name!r}.",
        )
    _remove_login(ctx.appliance, name)
    if ctx.appliance.store.get(f"{USERS}/{name}") is not None:
        ctx.appliance.store.remove(f"{USERS}/{name}")


@bp.get(USERS + "/{name}")
def get_user(ctx: Ctx) -> Reply:
    """One user by login name."""
    return Reply(200, user_doc(ctx.appliance, unquote(ctx.params["name"])))


@bp.delete(USERS + "/{name}")
def delete_user(ctx: Ctx) -> Reply:
    """Delete one user (its sessions end)."""
    _delete(ctx, unquote(ctx.params["name"]))
    return Reply(204)


@bp.post(USERS + "/validateLoginName/{name}")
def validate_login_name(ctx: Ctx) -> Reply:
    """``true`` when the login name is already in use."""
    return Reply(200, ctx.appliance.sessions.user(unquote(ctx.params["name"])) is not None)


@bp.post(USERS + "/validateUserName/{name}")
def validate_full_name(ctx: Ctx) -> Reply:
    """``true`` when a user already has this full name."""
    full_name = unquote(ctx.params["name"])
    return Reply(200, any(u["fullName"] == full_name for u in _all_users(ctx.appliance)))


@bp.post(USERS + "/changePassword", Access.READ)
def change_password(ctx: Ctx) -> Reply:
    """Change one's own password: userName, oldPassword, newPassword."""
    body = ctx.json_object()
    name = str(body.get("userName") or "")
    user = ctx.appliance.sessions.user(name)
    old = body.get("oldPassword")
    if user is None or not isinstance(old, str) or not user.password_is(old):
        raise bad_request(
            "AUTHN_AUTH_FAIL",
            "Invalid username or password.",
            details="userName and oldPassword must name a user and its password.",
        )
    password = _check_password(body.get("newPassword"))
    _put_login(ctx.appliance, User(name, hash_password(password), user.role))
    return Reply(200, user_doc(ctx.appliance, name))


@bp.get(USERS + "/role/{name}")
def roles_of_user(ctx: Ctx) -> Reply:
    """The roles of one user."""
    doc = user_doc(ctx.appliance, unquote(ctx.params["name"]))
    members = [
        {"roleName": role, "type": "RoleNameDtoV2", "uri": _role_uri(role)} for role in doc["roles"]
    ]
    return Reply(
        200, _envelope(f"{USERS}/role/{doc['userName']}", "RoleNameDtoCollection", members)
    )


@bp.get(USERS + "/roles/users/{role}")
def users_of_role(ctx: Ctx) -> Reply:
    """The users that have a role."""
    role = _checked_roles([unquote(ctx.params["role"])])[0]
    members = [u for u in _all_users(ctx.appliance) if role in u["roles"]]
    return Reply(200, _envelope(ctx.path, "UserList", members))


@bp.post(USERS + "/{name}/roles")
def add_roles(ctx: Ctx) -> Reply:
    """Add roles ([{"roleName": ...}]) to a user."""
    name = unquote(ctx.params["name"])
    current = user_doc(ctx.appliance, name)["roles"]
    added = _checked_roles(_names_in(ctx.body))
    _set_roles(ctx.appliance, name, current + [r for r in added if r not in current])
    return Reply(200, user_doc(ctx.appliance, name))


@bp.put(USERS + "/{name}/roles")
def replace_roles(ctx: Ctx) -> Reply:
    """Replace a user's roles ([{"roleName": ...}])."""
    name = unquote(ctx.params["name"])
    user_doc(ctx.appliance, name)
    roles = _checked_roles(_names_in(ctx.body))
    if not roles:
        raise bad_request("INVALID_ROLE", "A user needs at least one role.")
    _set_roles(ctx.appliance, name, roles)
    return Reply(200, user_doc(ctx.appliance, name))


@bp.delete(USERS + "/roles")
def remove_roles(ctx: Ctx) -> Reply:
    """Remove roles: ``filter="userName='u'"&filter="roleName='r'"``."""
    text = unquote("&".join(f"{k}={v}" for k, v in ctx.query))
    users = re.findall(r"userName\s*=\s*'([^']*)'", text)
    removed = _checked_roles(re.findall(r"roleName\s*=\s*'([^']*)'", text))
    if len(users) != 1 or not removed:
        raise bad_request(
            "INVALID_FILTER",
            "Name one user and the roles to remove.",
            details="filter=\"userName='u'\"&filter=\"roleName='r'\".",
        )
    current = user_doc(ctx.appliance, users[0])["roles"]
    left = [r for r in current if r not in removed]
    if not left:
        raise bad_request(
            "INVALID_ROLE", "A user needs at least one role.", details="Keep one role."
        )
    _set_roles(ctx.appliance, users[0], left)
    return Reply(204)


def _names_in(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise bad_request(
            "INVALID_JSON_DATA_TYPE",
            "Invalid JSON data type.",
            details='The body is a list of roles, e.g. [{"roleName": "Read only"}].',
        )
    return [e.get("roleName") if isinstance(e, dict) else e for e in body]


# -- roles --------------------------------------------------------------------------------


def _role_uri(name: str) -> str:
    return "/rest/roles/" + name.replace(" ", "%20")


def _role_doc(role: Role) -> Doc:
    return {
        "type": "RoleV3",
        "category": "roles",
        "uri": _role_uri(role.value),
        "name": role.value,
        "roleName": role.value,
        "eTag": None,
        "created": None,
        "modified": None,
    }


@bp.get("/rest/roles")
def list_roles(ctx: Ctx) -> Reply:
    """The appliance's roles."""
    from oneview_openstack.simulator import query

    return query.page(
        ctx, [_role_doc(r) for r in Role], collection_type="RoleList", category="roles"
    )


@bp.get("/rest/roles/{name}")
def get_role(ctx: Ctx) -> Reply:
    """One role by name."""
    name = unquote(ctx.params["name"])
    for role in Role:
        if role.value.lower() == name.lower():
            return Reply(200, _role_doc(role))
    raise ApiError(
        404,
        "RESOURCE_NOT_FOUND",
        f"The role {name!r} was not found.",
        details=f"Roles: {', '.join(r.value for r in Role)}.",
    )


# -- login details and domain settings ----------------------------------------------------


def _local_domain() -> Doc:
    return {"name": LOCAL_DOMAIN, "uri": f"/rest/logindomains/{LOCAL_DOMAIN}", "loginDomain": None}


@bp.get("/rest/logindetails", Access.PUBLIC)
def login_details(ctx: Ctx) -> Reply:
    """What the login page offers: the directories and whether local login is allowed."""
    return Reply(
        200,
        {
            "type": "LoginDetailsV2",
            "category": "logindetails",
            "uri": "/rest/logindetails",
            "allowLocalLogin": True,
            "configuredLoginDomains": [_local_domain()],
            "defaultLoginDomain": _local_domain(),
            "loginMessage": {"message": None, "acknowledgment": False},
            "isSmartCardEnabled": False,
            "isTwoFactorAuthenticationEnabled": False,
        },
    )


@bp.get("/rest/logindomains/global-settings")
def login_domain_settings(ctx: Ctx) -> Reply:
    """Global directory settings: local login allowed, LOCAL is the default."""
    return Reply(
        200,
        {
            "type": "LoginDomainGlobalConfigV2",
            "category": "logindomains",
            "uri": "/rest/logindomains/global-settings",
            "allowLocalLogin": True,
            "defaultLoginDomain": _local_domain(),
            "configuredLoginDomains": [_local_domain()],
            "loginDomainsGroupsUsersMapping": [],
            "eTag": None,
            "created": None,
            "modified": None,
        },
    )


def _envelope(uri: str, kind: str, members: list[Doc]) -> Doc:
    return {
        "type": kind,
        "uri": uri,
        "start": 0,
        "count": len(members),
        "total": len(members),
        "prevPageUri": None,
        "nextPageUri": None,
        "members": members,
    }
