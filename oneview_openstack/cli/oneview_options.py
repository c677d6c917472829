"""How the CLI reaches OneView: options, then environment, then a config file; never a prompt.

============================  ======================  ==================================
option                        environment             ``[oneview]`` in the config file
============================  ======================  ==================================
``--oneview-url``             ``OV_AUTH_URL``         ``manager_url``
``--oneview-username``        ``OV_USERNAME``         ``username``
``--oneview-password``        ``OV_PASSWORD``         ``password``
``--oneview-login-domain``    ``OV_LOGIN_DOMAIN``     ``login_domain``
``--oneview-cacert``          ``OV_CACERT``           ``tls_cacert_file``
``--oneview-insecure``        ``OV_INSECURE``         ``allow_insecure_connections``
``--oneview-config-file``     ``OV_CONFIG_FILE``      (an ``ironic.conf`` works as it is)
============================  ======================  ==================================

The original ``ironic-oneview`` spellings (``--ov-auth-url``, ``--ov-username``, ...) are
accepted too. TLS verification is on unless asked otherwise. The password is prompted for
only with ``--interactive`` and a terminal.
"""

from __future__ import annotations

import argparse
import configparser
import dataclasses
import getpass
import os
import sys
from collections.abc import Mapping

from osc_lib import exceptions as osc_exceptions

from oneview_openstack import client

SECTION = "oneview"
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")

# (option suffix, environment variable, config key, old ironic-oneview option)
SETTINGS = (
    ("url", "OV_AUTH_URL", "manager_url", "--ov-auth-url"),
    ("username", "OV_USERNAME", "username", "--ov-username"),
    ("password", "OV_PASSWORD", "password", "--ov-password"),
    ("login-domain", "OV_LOGIN_DOMAIN", "login_domain", None),
    ("cacert", "OV_CACERT", "tls_cacert_file", "--ov-cacert"),
    ("insecure", "OV_INSECURE", "allow_insecure_connections", "--ov-insecure"),
)


@dataclasses.dataclass(frozen=True)
class OneViewSettings:
    """A resolved OneView connection (the password is never printed by ``repr``)."""

    url: str
    username: str
    password: str = dataclasses.field(repr=False)
    login_domain: str | None
    ca_file: str | None
    insecure: bool

    def connect(self) -> client.OneViewClient:
        """A client (nothing is sent before its first call)."""
        try:
            return client.OneViewClient(
                self.url,
                self.username,
                self.password,
                login_domain=self.login_domain,
                ca_file=None if self.insecure else self.ca_file,
                insecure=self.insecure,
                pool_size=16,
            )
        except ValueError as error:  # a CA file that is not there
            raise osc_exceptions.CommandError(f"OneView: {error}") from error


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The global OneView options (OpenStackClient plugin and ``ironic-oneview``)."""
    group = parser.add_argument_group("OneView connection")
    for suffix, env, key, old in SETTINGS:
        names = [f"--oneview-{suffix}"] + ([old] if old else [])
        dest = "oneview_" + suffix.replace("-", "_")
        if suffix == "insecure":
            group.add_argument(
                *names,
                dest=dest,
                action="store_true",
                default=None,
                help=f"Do not verify OneView's TLS certificate (labs only). Env: {env}.",
            )
        else:
            group.add_argument(
                *names,
                dest=dest,
                metavar=f"<{suffix}>",
                help=f"OneView {suffix.replace('-', ' ')}. Env: {env}; config: {key}.",
            )
    group.add_argument(
        "--oneview-config-file",
        dest="oneview_config_file",
        metavar="<file>",
        help="INI file with a [oneview] section (ironic.conf works). Env: OV_CONFIG_FILE.",
    )
    group.add_argument(
        "--interactive",
        dest="oneview_interactive",
        action="store_true",
        help="Prompt for the OneView password when it is not given otherwise.",
    )
    return parser


def resolve(
    options: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> OneViewSettings:
    """The connection from *options*, then *environ*, then the config file.

    :raises CommandError: naming what is missing or malformed and where to set it.
    """
    environ = os.environ if environ is None else environ
    config = _config_file(getattr(options, "oneview_config_file", None), environ)
    values: dict[str, str | None] = {}
    for suffix, env, key, _old in SETTINGS:
        given = getattr(options, "oneview_" + suffix.replace("-", "_"), None)
        values[suffix] = _first(given, environ.get(env), config.get(key))
    url, username = values["url"], values["username"]
    if not url:
        raise _missing("URL", "--oneview-url", "OV_AUTH_URL", "manager_url")
    if not username:
        raise _missing("username", "--oneview-username", "OV_USERNAME", "username")
    password = values["password"] or _prompt(options, url, username)
    return OneViewSettings(
        url=url if "://" in url else f"https://{url}",
        username=username,
        password=password,
        login_domain=values["login-domain"] or None,
        ca_file=values["cacert"] or None,
        insecure=_boolean(values["insecure"], "OV_INSECURE / --oneview-insecure"),
    )


def _first(*candidates: object) -> str | None:
    for value in candidates:
        if value is True:
            return "true"
        if isinstance(value, str) and value != "":
            return value
    return None


def _config_file(path_option: str | None, environ: Mapping[str, str]) -> dict[str, str]:
    path = path_option or environ.get("OV_CONFIG_FILE")
    if not path:
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, configparser.Error) as error:
        raise osc_exceptions.CommandError(
            f"OneView config file {path!r} cannot be read: {error}"
        ) from error
    if not parser.has_section(SECTION):
        raise osc_exceptions.CommandError(
            f"OneView config file {path!r} has no [{SECTION}] section"
        )
    return dict(parser.items(SECTION))


def _boolean(value: str | None, where: str) -> bool:
    text = (value or "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise osc_exceptions.CommandError(
        f"{where} is {value!r}; allowed: true or false (or 1/0, yes/no, on/off)"
    )


def _prompt(options: argparse.Namespace, url: str, username: str) -> str:
    if getattr(options, "oneview_interactive", False) and sys.stdin.isatty():
        password = getpass.getpass(f"OneView password of {username} at {url}: ")
        if password:
            return password
    raise _missing("password", "--oneview-password", "OV_PASSWORD", "password")


def _missing(what: str, option: str, env: str, key: str) -> osc_exceptions.CommandError:
    return osc_exceptions.CommandError(
        f"OneView {what} is not set: give {option}, set {env}, or set {key} in the [oneview] "
        "section of --oneview-config-file"
        + (" (or add --interactive to be asked)" if what == "password" else "")
    )
