"""``genrc``: a shell file to source, with the environment the commands read."""

from __future__ import annotations

import argparse

from oneview_openstack.cli.base import OneViewCommand

RC = """\
# OneView appliance for ironic-oneview / openstack oneview. Source this file:
#   ironic-oneview genrc > oneviewrc && . ./oneviewrc
export OV_AUTH_URL={url}
export OV_USERNAME={username}
# The password is asked for when this file is sourced, never stored in it.
read -rsp "OneView password of $OV_USERNAME: " OV_PASSWORD && echo && export OV_PASSWORD
# CA bundle that signed the appliance's certificate (verification is on by default).
export OV_CACERT={cacert}
# OpenStack: a clouds.yaml entry, or the usual OS_* variables of your openrc.
export OS_CLOUD={cloud}
"""


class GenerateRc(OneViewCommand):
    """Print a shell file that sets the OneView connection (the password is asked, not stored)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--cloud", metavar="<cloud>", default="<your cloud>")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        options = self.app.options
        self.app.stdout.write(
            RC.format(
                url=_quoted(getattr(options, "oneview_url", None) or "https://oneview.example"),
                username=_quoted(getattr(options, "oneview_username", None) or "administrator"),
                cacert=_quoted(getattr(options, "oneview_cacert", None) or "/path/to/ca.pem"),
                cloud=_quoted(parsed_args.cloud),
            )
        )


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"
