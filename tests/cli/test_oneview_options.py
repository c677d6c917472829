"""How the CLI finds OneView: options, then environment, then a config file; never a prompt."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from osc_lib.exceptions import CommandError

from oneview_openstack.cli import oneview_options


def parse(*argv: str) -> argparse.Namespace:
    return oneview_options.add_arguments(argparse.ArgumentParser()).parse_args(list(argv))


ENV = {"OV_AUTH_URL": "env.example", "OV_USERNAME": "env-user", "OV_PASSWORD": "env-pw"}


def test_options_win_over_environment_which_wins_over_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "ironic.conf"
    config.write_text(
        "[DEFAULT]\ndebug = true\n[oneview]\nmanager_url = https://file.example\n"
        "username = file-user\npassword = file-pw\ntls_cacert_file = /ca.pem\n"
    )
    args = parse("--oneview-config-file", str(config), "--oneview-username", "opt-user")

    found = oneview_options.resolve(args, {"OV_PASSWORD": "env-pw"})

    assert (found.url, found.username, found.password) == (
        "https://file.example",
        "opt-user",
        "env-pw",
    )
    assert found.ca_file == "/ca.pem" and not found.insecure


def test_original_option_names_and_a_bare_host() -> None:
    found = oneview_options.resolve(
        parse("--ov-auth-url", "ov.example:8443", "--ov-username", "u", "--ov-password", "p"), {}
    )
    assert found.url == "https://ov.example:8443"


@pytest.mark.parametrize(("value", "insecure"), [("true", True), ("False", False), ("1", True)])
def test_insecure_from_the_environment(value: str, insecure: bool) -> None:
    found = oneview_options.resolve(parse(), {**ENV, "OV_INSECURE": value})
    assert found.insecure is insecure


def test_a_malformed_boolean_is_refused_naming_it() -> None:
    with pytest.raises(CommandError, match="OV_INSECURE.*'maybe'.*allowed: true or false"):
        oneview_options.resolve(parse(), {**ENV, "OV_INSECURE": "maybe"})


def test_a_missing_password_says_where_to_set_it_and_never_prompts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("prompted"))
    env = {k: v for k, v in ENV.items() if k != "OV_PASSWORD"}
    with pytest.raises(CommandError) as error:
        oneview_options.resolve(parse(), env)
    assert "OV_PASSWORD" in str(error.value) and "--interactive" in str(error.value)


def test_missing_url_is_named() -> None:
    with pytest.raises(CommandError, match="OneView URL is not set.*OV_AUTH_URL"):
        oneview_options.resolve(parse(), {"OV_USERNAME": "u", "OV_PASSWORD": "p"})


def test_a_config_file_without_a_oneview_section_is_named(tmp_path: Path) -> None:
    config = tmp_path / "x.conf"
    config.write_text("[DEFAULT]\n")
    with pytest.raises(CommandError, match=r"x.conf' has no \[oneview\] section"):
        oneview_options.resolve(parse("--oneview-config-file", str(config)), ENV)


def test_the_password_is_not_in_the_settings_repr() -> None:
    found = oneview_options.resolve(parse(), ENV)
    assert "env-pw" not in repr(found)
