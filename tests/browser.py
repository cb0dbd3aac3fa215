"""Headless Chromium through Playwright, with the network cut off.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or $GEO_CHROMIUM);
Playwright's own browser download is not used. Where no browser is found the
browser tests skip with the reason, unless GEO_REQUIRE_BROWSER is set (as CI
does), which turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("GEO_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def unavailable(reason: str) -> None:
    if os.environ.get("GEO_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required (GEO_REQUIRE_BROWSER) but {reason}")
    pytest.skip(reason)


@dataclass
class PageLog:
    """What a page did: its script errors, console errors and every request it tried."""

    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:"))]


@contextmanager
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install '.[test]')")
    executable = chromium_path()
    if executable is None:
        unavailable("no Chromium found at /usr/bin/chromium (apt-get install chromium) or $GEO_CHROMIUM")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}


def open_page(
    instance, path: Path | str, log: PageLog, width: int = 1400, height: int = 900, device: dict | None = None
):
    """Open a local file (or file: URL) with every network request recorded and refused.

    ``device`` is DESKTOP or PHONE (a touch screen, emulated), else a window of width x height.
    """
    page = instance.new_page(**(device or {"viewport": {"width": width, "height": height}}))
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))
    page.on("console", lambda msg: log.console.append(msg.text) if msg.type == "error" else None)

    def route(request_route) -> None:
        url = request_route.request.url
        log.requests.append(url)
        if url.startswith(("file:", "data:", "blob:")):
            request_route.continue_()
        else:
            request_route.abort("internetdisconnected")

    page.route("**/*", route)
    page.goto(path if isinstance(path, str) else path.resolve().as_uri())
    page.wait_for_function("() => window.L && L.CardLayer && document.querySelector('.leaflet-control-layers')")
    return page


MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"

# States the tests wait for, never a fixed time: a machine may be ten times slower than this one.
STILL_JS = f"() => {{ const m = {MAP_JS}; return !m._animatingZoom && !(m._panAnim && m._panAnim._inProgress); }}"
TILES_SETTLED_JS = (
    f"() => {{ let busy = false; {MAP_JS}.eachLayer(l => {{ if (l instanceof L.GridLayer && l.isLoading())"
    " busy = true; }); return !busy; }"
)
# Whether a container point of the map is on the map itself, not under one of its controls.
ON_MAP_JS = (
    f"([x, y]) => {{ const m = {MAP_JS}, r = m.getContainer().getBoundingClientRect();"
    " const e = document.elementFromPoint(r.left + x, r.top + y);"
    " return !!e && m.getContainer().contains(e) && !e.closest('.leaflet-control-container, .leaflet-popup'); }"
)


def wait_until_still(page) -> None:
    """Until the map neither pans nor zooms (a fly-to, a popup panned clear of the controls)."""
    page.wait_for_function(STILL_JS)


def wait_for_tiles(page) -> None:
    """Until every tile layer has settled: each tile loaded or refused (the network is cut off)."""
    page.wait_for_function(TILES_SETTLED_JS)


def settled(page) -> None:
    """Until the page is at rest: fonts loaded (they size the controls), map still, tiles settled."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    wait_until_still(page)
    wait_for_tiles(page)


def click_on_map(page, x: float, y: float) -> None:
    """Click a container point of the map, after checking that the map, not a control, is there."""
    assert page.evaluate(ON_MAP_JS, [x, y]), f"({x:.0f}, {y:.0f}) is under a control, not on the map"
    corner = f"() => {{ const r = {MAP_JS}.getContainer().getBoundingClientRect(); return [r.left, r.top]; }}"
    box = page.evaluate(corner)
    page.mouse.click(box[0] + x, box[1] + y)
