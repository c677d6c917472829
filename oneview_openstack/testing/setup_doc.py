"""``doc/operator-setup.md``: the operator's setup, rendered from the test cloud's own configs.

The configuration blocks of the page are the options :class:`.cloud.OneViewCloud` writes
(:meth:`~.cloud.OneViewCloud.service_configs`, the code its ``start()`` runs), so the page
cannot drift from what the tests prove works. The prose is in ``operator_setup.md.in`` next
to this module; each ``{{name}}`` line there becomes a generated block::

    python -m oneview_openstack.testing.setup_doc > doc/operator-setup.md
    python -m oneview_openstack.testing.setup_doc --check doc/operator-setup.md

What only a test cloud wants (loopback, no Keystone, periodic intervals of a second or two,
files in a temporary directory) is never shown as if it were advice: :data:`FILES` names, for
each option shown, the value to use in production and why the test cloud differs, and
rendering fails when a value still names the loopback address or the test cloud's directory.
The page gets placeholders for OneView's address and user (:data:`ONEVIEW`), never the
simulator's password.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml

from oneview_openstack.testing import cloud as test_cloud
from oneview_openstack.testing.service_process import LOOPBACK, ini_value

TEMPLATE = Path(__file__).with_name("operator_setup.md.in")
#: The page, from the root of a clone.
PAGE = Path("doc/operator-setup.md")
MODULE = "oneview_openstack.testing.setup_doc"
REGENERATE = f"python -m {MODULE} > {PAGE}"
#: Where the page's test cloud keeps its files (nothing is written there).
WORKDIR = Path("/srv/oneview-test-cloud")
DATABASE_URL = "mysql+pymysql://<user>:<password>@db.example.com/<database>"

#: Production values every generated block takes for the test cloud's endpoints.
IRONIC_URL = "http://ironic.example.com:6385"
NOVA_URL = "http://nova.example.com:8774/v2.1"
ENDPOINTS = {
    "compute": NOVA_URL,
    "baremetal": IRONIC_URL,
    "network": "http://neutron.example.com:9696",
    "image": "http://glance.example.com:9292",
    "placement": "http://placement.example.com:8778",
}
#: The conductor's address on the provisioning network (TFTP, and the HTTP root for iPXE and
#: the images the agent downloads).
CONDUCTOR = "192.0.2.10"
COMMENT_WIDTH = 90


@dataclasses.dataclass(frozen=True)
class Login:
    """The OneView user the services log in as, as placeholders."""

    url: str = "https://oneview.example.com"
    username: str = "openstack"
    password: str = "<password of the OneView user>"  # noqa: S105 - a placeholder
    ca_file: str = "/etc/oneview/ca.pem"


ONEVIEW = Login()

#: Leave the option unset in production (its default).
UNSET = None


@dataclasses.dataclass(frozen=True)
class Option:
    """One option a block shows.

    :param production: the value to write instead of the test cloud's: a string, a function
        of the test cloud's value, or :data:`UNSET`; the test cloud's own when not given.
    :param why: why the test cloud's value differs, or a note on a value kept as it is.
    :param shown_as: what the page says of the test cloud's value, when it changes with each
        cloud (a free port).
    """

    key: str
    production: str | Callable[[str], str] | None = ""
    why: str = ""
    shown_as: str | None = None

    @property
    def kept(self) -> bool:
        return self.production == ""


@dataclasses.dataclass(frozen=True)
class Section:
    name: str
    options: tuple[Option, ...]


def _without_fake(value: str) -> str:
    return ",".join(name for name in value.split(",") if not name.startswith("fake"))


_FAKE = "Ironic's fake ones too, for other tests"
_NO_KEYSTONE = (
    "no Keystone. In production, a Keystone user: add auth_url, username, password, "
    "project_name, user_domain_name and project_domain_name"
)
_CATALOG = "no Keystone, whose catalog has the endpoint"


def _keystone(*keys: str) -> tuple[Option, ...]:
    """``auth_type`` and the endpoint, as a service without Keystone has them."""
    found = [Option("auth_type", "password", _NO_KEYSTONE)]
    found += [Option(key, UNSET, _CATALOG) for key in keys]
    return tuple(found)


def _enabled(family: str) -> Option:
    return Option(f"enabled_{family}_interfaces", _without_fake, _FAKE)


_ONEVIEW_LOGIN = (
    Option("manager_url"),
    Option("username"),
    Option("password"),
    Option("tls_cacert_file"),
)

#: What the page shows of each file: ``{file: sections}``.
FILES: Mapping[str, tuple[Section, ...]] = {
    "ml2_conf.ini": (
        Section("ml2", (
            Option("type_drivers"),
            Option("tenant_network_types"),
            Option("mechanism_drivers", why="add the drivers of your other ports after it "
                   "(openvswitch, ...)"),
            Option("extension_drivers"),
        )),
        Section("ml2_type_flat", (
            Option("flat_networks", test_cloud.PHYSICAL_NETWORK, "any physical network"),
        )),
        Section("ml2_type_vlan", (
            Option("network_vlan_ranges", why="the VLANs tenant networks may take on the "
                   "mapped uplink sets"),
        )),
    ),
    "neutron.conf": (
        Section("DEFAULT", (Option("core_plugin"),)),
        Section("oneview", _ONEVIEW_LOGIN),
        Section("ml2_oneview", (
            Option("uplinkset_mappings", why="the simulator's logical interconnect groups "
                   "and tagged uplink sets: name yours"),
            Option("flat_net_mappings", why="the simulator's untagged network for the "
                   "provisioning network: name yours"),
            Option("batch_window"),
        )),
    ),
    "ironic.conf": (
        Section("DEFAULT", (
            Option("enabled_hardware_types", _without_fake, _FAKE),
            *(_enabled(family) for family in (
                "boot", "deploy", "power", "management", "inspect", "network",
                "bios", "raid", "firmware",
            )),
            Option("ignore_project_check_for_admin_tasks", why="the default: Nova deploys "
                   "a project's private or shared Glance image only because its service user "
                   "has the admin role (see Images above)"),
        )),
        Section("oneview", (
            *_ONEVIEW_LOGIN,
            Option("request_retries", UNSET, "a fault shows at once; the default retries "
                   "3 times"),
            Option("power_timeout", UNSET, "the simulator powers a server in milliseconds; "
                   "the default waits up to 120 s"),
            Option("periodic_check_interval", UNSET, "tests see a OneView user's claim at "
                   "once; the default lists the servers every 300 s"),
            Option("task_poll_interval", UNSET, "the default reads OneView's tasks every 10 s, "
                   "which a profile's minutes hide"),
        )),
        Section("conductor", (
            Option("automated_clean"),
            Option("deploy_callback_timeout", UNSET, "a virtual agent calls back at once; the "
                   "default waits 1800 s for a ramdisk to boot"),
            Option("clean_callback_timeout", UNSET, "as deploy_callback_timeout"),
            Option("check_provision_state_interval", UNSET, "a timeout is seen at once; the "
                   "default looks every 60 s"),
            Option("deploy_kernel", f"http://{CONDUCTOR}:8080/ipa.kernel", "a few bytes "
                   "(virtual agents boot nothing); here the agent's kernel: a "
                   "URL, a Glance image, or a file:// URL under file_url_allowed_paths"),
            Option("deploy_ramdisk", f"http://{CONDUCTOR}:8080/ipa.initramfs",
                   "as deploy_kernel"),
            Option("file_url_allowed_paths", UNSET, "the deploy images' directory"),
        )),
        Section("pxe", (
            Option("tftp_root", "/tftpboot"),
            Option("tftp_master_path", "/tftpboot/master_images"),
            Option("instance_master_path", UNSET),
            Option("images_path", UNSET),
            Option("tftp_server", CONDUCTOR, "nothing boots from it; here the conductor's "
                   "address on the provisioning network"),
        )),
        Section("deploy", (
            Option("http_root", "/httpboot"),
            Option("http_url", f"http://{CONDUCTOR}:8080", "the harness serves http_root on "
                   "loopback; here a web server of the conductor's host serves it to the "
                   "provisioning network"),
        )),
        Section("dhcp", (
            Option("dhcp_provider", "neutron", "virtual agents need no DHCP; a real server's "
                   "PXE boot needs an answer, here from Neutron's DHCP agent"),
        )),
        Section("agent", (
            Option("image_download_source", why="the conductor caches the Glance image in "
                   "http_root and the agent downloads it from http_url (Glance without Swift)"),
            Option("require_tls", why="the agent's API over plain HTTP"),
            Option("deploy_logs_collect"),
            Option("deploy_logs_local_path", UNSET, "the default is /var/log/ironic/deploy"),
            Option("post_deploy_get_power_state_retry_interval", UNSET, "the default is 6 s"),
        )),
        Section("neutron", (
            *_keystone("endpoint_override"),
            Option("provisioning_network", why="a flat network on the physical network of "
                   "flat_net_mappings, see the commands below"),
            Option("cleaning_network"),
        )),
        Section("glance", _keystone("endpoint_override")),
    ),
    "ironic-oneviewd.conf": (
        Section("daemon", (
            Option("templates", why="the simulator's: name your server profile templates"),
            Option("interfaces"),
            Option("physical_network", why="the one of uplinkset_mappings and "
                   "flat_net_mappings"),
            Option("interval", UNSET, "a test waits no minute; the default is 60 s"),
            Option("poll_interval", UNSET, "the default is 2 s"),
            Option("settle_timeout", UNSET, "the default is 600 s"),
            Option("listen_address", LOOPBACK, "metrics and health for local scrapers only, "
                   "the default; the host's address for a remote Prometheus"),
            Option("listen_port", UNSET, "a free port; the default is 9469",
                   shown_as="<free port>"),
        )),
        Section("ironic", _keystone("endpoint_override")),
        Section("oneview", _ONEVIEW_LOGIN),
    ),
    "nova.conf": (
        Section("DEFAULT", (
            Option("compute_driver"),
            Option("reserved_host_memory_mb", why="a node's whole memory goes to its instance"),
            Option("update_resources_interval", UNSET, "Placement follows a node within "
                   "seconds; the default reports every 60 s"),
            Option("periodic_fuzzy_delay", UNSET, "periodic tasks start at once"),
        )),
        Section("scheduler", (
            Option("discover_hosts_in_cells_interval", "300", "a new nova-compute is mapped "
                   "at once; Nova's default (-1) leaves nova-manage cell_v2 discover_hosts "
                   "to the operator"),
        )),
        Section("ironic", (
            *_keystone("endpoint_override"),
            Option("api_retry_interval", UNSET, "Nova reads a deploying node every second; "
                   "the default is 2 s"),
        )),
        Section("placement", (
            Option("auth_type", "password", "Placement's admin token, no Keystone. In "
                   "production, a Keystone user, as in [ironic]"),
        )),
        Section("neutron", _keystone("endpoint_override")),
        Section("glance", _keystone("endpoint_override")),
        Section("quota", (
            Option("cores", why="a blade counts its real cores and memory against the "
                   "project's quota: raise the quotas of projects that boot bare metal"),
            Option("ram"),
            Option("instances"),
        )),
    ),
}  # fmt: skip


class SetupDocError(ValueError):
    """The test cloud's configs and :data:`FILES` disagree: the page cannot be rendered."""


def render(template: str | None = None) -> str:
    """The whole page: the template with every ``{{name}}`` line replaced by its block."""
    blocks = _blocks()
    lines = []
    for line in (TEMPLATE.read_text() if template is None else template).splitlines():
        name = line.strip()[2:-2] if line.strip().startswith("{{") else None
        if name is None:
            lines.append(line)
        elif name in blocks:
            lines.append(blocks[name])
        else:
            raise SetupDocError(f"template: no generated block {name!r}; known: {sorted(blocks)}")
    return "\n".join(lines) + "\n"


def _blocks() -> dict[str, str]:
    configs = test_cloud.OneViewCloud(WORKDIR).service_configs(ONEVIEW, DATABASE_URL)
    blocks = {name: _fenced("ini", render_file(name, configs, FILES)) for name in FILES}
    blocks["cli-env"] = _fenced("sh", _cli_env())
    blocks["provisioning-network"] = _fenced("console", _provisioning_network())
    clouds = yaml.safe_dump(test_cloud.clouds_config(ENDPOINTS), sort_keys=False)
    blocks["clouds.yaml"] = _fenced("yaml", clouds.rstrip("\n"))
    return blocks


def render_file(
    name: str,
    configs: Mapping[str, Mapping[str, Mapping[str, object]]],
    files: Mapping[str, Sequence[Section]],
) -> str:
    """The options ``files`` shows of config file ``name``, production values first.

    Raises :class:`SetupDocError` naming the file, section and option when the test cloud
    no longer sets an option shown, or when a value kept as it is names the loopback address
    or the test cloud's directory.
    """
    if name not in configs:
        raise SetupDocError(f"{name}: the test cloud writes no such file; it writes "
                            f"{', '.join(configs)}")  # fmt: skip
    out: list[str] = []
    for section in files[name]:
        out += ["", f"[{section.name}]"]
        for option in section.options:
            value = _test_value(name, configs[name], section.name, option.key)
            shown = value if option.shown_as is None else option.shown_as
            out += _option_lines(f"{name} [{section.name}] {option.key}", option, shown)
    return "\n".join(out[1:])


def _test_value(
    file: str, config: Mapping[str, Mapping[str, object]], section: str, key: str
) -> str:
    try:
        raw = config[section][key]
    except KeyError:
        raise SetupDocError(
            f"{file} [{section}] {key}: the test cloud no longer sets it; update "
            f"{MODULE}.FILES, then run {REGENERATE}"
        ) from None
    return _public(ini_value(raw))


def _option_lines(where: str, option: Option, value: str) -> list[str]:
    """``key = value`` under a comment: the note, or why the test cloud's value differs; an
    option to leave unset is shown commented out, with the test cloud's value."""
    if option.kept:
        if LOOPBACK in value or _TEST_FILES in value:
            raise SetupDocError(
                f"{where} = {value}: a test cloud's address or file; give it a production "
                f"value in {MODULE}.FILES"
            )
        return [*_comment(option.why), f"{option.key} = {value}"]
    if option.production is None:
        why = f"Test cloud only, leave it unset{': ' + option.why if option.why else ''}."
        return [*_comment(why), f"#{option.key} = {value}"]
    if callable(option.production):
        production = option.production(value)
        if production == value:  # nothing of the test cloud's to take out
            return [f"{option.key} = {value}"]
    else:
        production = option.production
    if production == value:
        return [*_comment(option.why), f"{option.key} = {value}"]
    why = f"Test cloud: {value}{'; ' + option.why if option.why else ''}."
    return [*_comment(why), f"{option.key} = {production}"]


def _comment(text: str) -> list[str]:
    lines = textwrap.wrap(text, COMMENT_WIDTH, break_on_hyphens=False)
    return [f"# {line}" for line in lines]


_TEST_FILES = "<test cloud>"
_LOOPBACK_PORT = re.compile(re.escape(LOOPBACK) + r":\d+")


def _public(value: str) -> str:
    """The value with the test cloud's directory and loopback ports, which change with each
    cloud, named the same on every rendering."""
    value = value.replace(str(WORKDIR), _TEST_FILES)
    return _LOOPBACK_PORT.sub(f"{LOOPBACK}:<port>", value)


def _cli_env() -> str:
    """The CLI's environment: OneView's variables, then the endpoints the test cloud gives
    without Keystone (a comment says what replaces them)."""
    variables = test_cloud.cli_variables(ONEVIEW, IRONIC_URL, NOVA_URL)
    oneview = [f"export {key}='{value}'" for key, value in variables.items() if key[:3] == "OV_"]
    others = [f"# export {k}='{v}'" for k, v in variables.items() if k[:3] != "OV_"]
    return "\n".join([
        *oneview,
        "# With Keystone: the cloud of your clouds.yaml (or an openrc's OS_* variables)",
        "export OS_CLOUD=<your cloud>",
        "# Without Keystone, as in the test cloud: the endpoints themselves",
        *others,
    ])  # fmt: skip


def _provisioning_network() -> str:
    network, physnet = test_cloud.PROVISIONING_NETWORK, test_cloud.PHYSICAL_NETWORK
    return "\n".join([
        f"$ openstack network create {network} --provider-network-type flat "
        f"--provider-physical-network {physnet}",
        f"$ openstack subnet create {network}-subnet --network {network} "
        f"--subnet-range {test_cloud.PROVISIONING_CIDR}",
    ])  # fmt: skip


def _fenced(language: str, text: str) -> str:
    return "\n".join([
        f"<!-- generated by {MODULE} from the test cloud's configs: do not edit -->",
        f"```{language}", text, "```", "<!-- end of generated block -->",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    parser.add_argument(
        "--check",
        type=Path,
        metavar="PAGE",
        help="exit 1, with a diff, if PAGE is stale",
    )
    args = parser.parse_args(argv)
    page = render()
    if args.check is None:
        sys.stdout.write(page)
        return 0
    current = args.check.read_text() if args.check.exists() else ""
    if current == page:
        return 0
    diff = difflib.unified_diff(current.splitlines(True), page.splitlines(True),
                                str(args.check), "rendered")  # fmt: skip
    sys.stderr.write("".join(diff))
    sys.stderr.write(f"{args.check} is out of date: run {REGENERATE}\n")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
