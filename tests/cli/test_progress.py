"""The progress bar: drawn in place on a terminal, absent when stderr is a pipe."""

from __future__ import annotations

import io
import os
import pty
import subprocess

import pytest

from oneview_openstack.cli.progress import ProgressBar
from oneview_openstack.enrollment import Outcome, Result

from .conftest import BIN, Cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def outcome(result: Result) -> Outcome:
    return Outcome(server_name="s", server_uri="/rest/server-hardware/s", result=result)


def test_a_terminal_sees_the_bar_advance_and_erased_at_the_end() -> None:
    stream = Terminal()
    bar = ProgressBar(4, stream=stream)
    bar(outcome(Result.CREATED))
    bar(outcome(Result.FAILED))
    first, second = stream.getvalue().split("\r")[1:]
    assert "1/4 servers" in first and "created 1" in first
    assert "2/4 servers" in second and "failed 1" in second and "#####" in second
    bar.close()
    assert stream.getvalue().endswith("\r\033[K")


def test_a_pipe_sees_nothing() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, stream=stream)
    bar(outcome(Result.CREATED))
    bar.close()
    assert stream.getvalue() == ""


@pytest.mark.functional
def test_node_create_on_a_terminal_draws_it(cli: Cli) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(BIN / "ironic-oneview"), "node-create", "-t", "SPT-Prod-SY480", "-n", "2"],
            env=cli.env, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL,
            timeout=120, check=False,
        )  # fmt: skip
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    assert b"2/3 servers" in shown or b"3/3 servers" in shown
    assert b"\r\x1b[K" in shown
    assert b"2/3 servers" not in done.stdout  # the table on stdout carries no bar
