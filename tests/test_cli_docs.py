"""The command line, its help and the README say the same thing.

``geo --help`` lists each command's summary without importing it (``SUBCOMMANDS``);
the command's own help is its module's docstring; the README has a table of the
commands. A command added, renamed or given an option in one place only fails here.
"""

from __future__ import annotations

import importlib
import re

import pytest

from geo.cli import SUBCOMMANDS
from tests.builders import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
NOT_COMMANDS = {"__init__", "__main__", "options"}


def test_every_command_module_is_listed_and_nothing_else():
    modules = {path.stem for path in (ROOT / "geo" / "cli").glob("*.py")} - NOT_COMMANDS
    assert set(SUBCOMMANDS) == modules


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_the_summary_is_the_first_line_of_the_docstring_which_is_the_help(name):
    module = importlib.import_module(f"geo.cli.{name}")
    assert module.__doc__.splitlines()[0] == SUBCOMMANDS[name]
    assert module.command.help == module.__doc__


def test_the_readme_table_lists_the_commands_in_order():
    assert re.findall(r"^\| `geo (\w+)", README, re.MULTILINE) == list(SUBCOMMANDS)


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_the_readme_names_every_option(name):
    command = importlib.import_module(f"geo.cli.{name}").command
    options = {o for p in command.params for o in p.opts if o.startswith("--")} - {"--output", "--help", "--debug"}
    assert {o for o in options if o not in README} == set()
