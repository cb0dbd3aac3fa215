"""Shared fixtures: the shipped layers, a CLI runner, and small layer files made on the fly."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main


@dataclass(frozen=True)
class Result:
    """What a command wrote, each stream on its own, whatever click's version captures."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Both streams, for a test that only asks whether a line was written."""
        return self.stdout + self.stderr


def separate_streams_runner() -> CliRunner:
    """A runner keeping stderr apart: click 8.1 mixes it into stdout unless told not to, 8.2 never does."""
    if "mix_stderr" in inspect.signature(CliRunner).parameters:
        return CliRunner(mix_stderr=False)
    return CliRunner()


@pytest.fixture
def run():
    """Run ``geo ARGS...`` in-process; returns a Result (exit_code, stdout, stderr, output)."""
    runner = separate_streams_runner()

    def invoke(*args: str) -> Result:
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def write_layer(tmp_path):
    """Write a GeoJSON document (dict) or raw text/bytes to a file and return its path."""

    def write(content, name: str = "layer.geojson") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium for the browser tests (skips, or fails under GEO_REQUIRE_BROWSER, without one)."""
    from tests.browser import browser

    with browser() as instance:
        yield instance


@pytest.fixture
def open_map(chromium):
    """Open map files in new pages, offline; returns (page, log); pages close after the test."""
    from tests.browser import PageLog, open_page

    pages = []

    def opener(path: Path):
        log = PageLog()
        page = open_page(chromium, path, log)
        pages.append(page)
        return page, log

    yield opener
    for page in pages:
        page.close()
