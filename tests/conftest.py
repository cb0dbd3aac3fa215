"""Shared fixtures: the shipped layers, a CLI runner, and small layer files made on the fly."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.inputs import load_layers

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"


@pytest.fixture
def run():
    """Run ``geo ARGS...`` in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(coords: list) -> dict:
    return {"type": "Polygon", "coordinates": coords}


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


def build_default_map(folder: Path, **options) -> Path:
    """The shipped layers built into ``folder/map.html`` with ``compose.build_map`` options."""
    from geo.webmap import compose

    return compose.build_map(folder / "map.html", load_layers(), compose.MapOptions(**options))


def load_script(name: str):
    """Import one of data/'s derivation scripts as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "data" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
