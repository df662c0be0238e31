"""Screenshots of dashboard pages in Debian's Chromium: python tools/screenshot.py URL OUT.png [--width 1280]."""

from __future__ import annotations

import argparse
import sys

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-gpu"]


def main(argv: list[str] | None = None) -> int:
    """Open a URL, wait for Streamlit to finish running, save a full-page screenshot."""
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--wait", type=int, default=1500, help="extra milliseconds after the script finished")
    p.add_argument("--pdf", help="also print the page to this PDF (A4)")
    a = p.parse_args(argv)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": a.width, "height": a.height})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(a.url)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        page.wait_for_timeout(a.wait)
        page.screenshot(path=a.out, full_page=True)
        if a.pdf:
            page.emulate_media(media="print")
            page.pdf(path=a.pdf, format="A4", print_background=True)
        exc = page.locator("[data-testid='stException']").count()
        print(f"saved {a.out}; exceptions on page: {exc}; js errors: {errors[:3]}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
