"""Take the README's screenshots of the default map in headless Chromium (network cut off).

python build_map.py && python docs/screenshot.py    # -> docs/map.png, docs/map-phone.png

Both open the map with base layer 无底图 through the address (#base=none), as a shared link would.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import DESKTOP, PHONE, PageLog, browser, open_page, settled, wait_until_still  # noqa: E402

MAP = (ROOT / "build" / "map.html").as_uri() + "#base=none"


def main() -> None:
    with browser() as instance:
        desk = open_page(instance, MAP, PageLog(), device=DESKTOP)
        settled(desk)
        desk.screenshot(path=str(ROOT / "docs" / "map.png"))
        phone = open_page(instance, MAP, PageLog(), device={**PHONE, "device_scale_factor": 2})
        phone.locator(".hz-search input").fill("白沙洲")
        phone.locator(".hz-results button").first.tap()
        phone.locator(".leaflet-popup").wait_for()
        wait_until_still(phone)
        phone.screenshot(path=str(ROOT / "docs" / "map-phone.png"))
    print(ROOT / "docs" / "map.png", ROOT / "docs" / "map-phone.png")


if __name__ == "__main__":
    main()
