"""Take the README's screenshot of the default map in headless Chromium (network cut off).

python build_map.py && python docs/screenshot.py    # -> docs/map.png
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import PageLog, browser, open_page  # noqa: E402


def main() -> None:
    with browser() as instance:
        page = open_page(instance, ROOT / "build" / "map.html", PageLog(), width=1280, height=800)
        page.locator(".leaflet-control-layers-base label", has_text="无底图").locator("input").check()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ROOT / "docs" / "map.png"))
    print(ROOT / "docs" / "map.png")


if __name__ == "__main__":
    main()
