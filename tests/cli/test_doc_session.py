"""``doc/cli.md``'s example session is what the commands print, run for real here.

Every ```` ```console ```` block of the page is a session: each ``$ command`` line is run by
bash, in order, in an environment that names the simulator, the test Ironic and the test
nova-api; the lines after it are what it must print (stderr first, then stdout), and a
``# exit N`` comment after the command gives its exit status (0 otherwise).

``UPDATE_DOC=1 pytest tests/cli/test_doc_session.py`` rewrites the blocks with what the
commands print now; review the diff.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import BIN, Cli

pytestmark = pytest.mark.functional

DOC = Path(__file__).parents[2] / "doc" / "cli.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
EXIT = re.compile(r"\s+# exit (\d+)$")


@dataclass
class Step:
    command: str
    status: int
    output: list[str]

    def render(self) -> str:
        suffix = f"  # exit {self.status}" if self.status else ""
        return "\n".join([f"$ {self.command}{suffix}", *self.output])


def parse(block: str) -> list[Step]:
    steps: list[Step] = []
    for line in block.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            command = line[2:]
            found = EXIT.search(command)
            status = int(found.group(1)) if found else 0
            steps.append(Step(EXIT.sub("", command), status, []))
        elif steps:
            steps[-1].output.append(line.rstrip())
    return steps


def run(cli: Cli, command: str) -> tuple[int, list[str]]:
    env = {
        **cli.env,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "OS_AUTH_TYPE": "none",
        "OS_BAREMETAL_ENDPOINT_OVERRIDE": cli.ironic.url,
        "COLUMNS": "200",
    }
    done = subprocess.run(  # noqa: S602 - the documented command line, as a shell runs it
        command, shell=True, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    lines = (done.stderr + done.stdout).rstrip("\n").split("\n")
    return done.returncode, [line.rstrip() for line in lines if line.strip() or lines]


def test_the_example_session_prints_what_the_doc_shows(cli: Cli) -> None:
    text = DOC.read_text()
    blocks = BLOCK.findall(text)
    assert blocks, f"{DOC} has no console block"
    actual_blocks = []
    mismatches = []
    for block in blocks:
        steps = parse(block)
        actual = []
        for step in steps:
            status, output = run(cli, step.command)
            actual.append(Step(step.command, status, output))
            if (status, output) != (step.status, step.output):
                mismatches.append((step, status, output))
        actual_blocks.append("\n".join(s.render() for s in actual) + "\n")
    if os.environ.get("UPDATE_DOC"):
        for old, new in zip(blocks, actual_blocks, strict=True):
            text = text.replace(f"```console\n{old}```", f"```console\n{new}```", 1)
        DOC.write_text(text)
        return
    for step, status, output in mismatches:
        assert (status, output) == (step.status, step.output), f"$ {step.command}"
