"""Screenshot of one real feedback page (README): headless Debian chromium via Playwright.

    .venv/bin/python docs/screenshots/feedback.py feedback/bob/02_self_attention/02_self_attention.html 2

opens the page nbgrader's generate_feedback wrote (after `make demo`), scrolls to its "likely
mistake" box number N (1 = the first; default 1) and saves docs/screenshots/feedback.jpg. No network: the page's MathJax
comes from a CDN and is blocked, so formulas show as TeX source.
"""
from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (never `playwright install`), as grader_tests/browser.py
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
OUT = Path(__file__).resolve().parent / "feedback.jpg"
BOX = ".course-feedback.likely-mistake"


def main(argv) -> int:
    from playwright.sync_api import sync_playwright

    if len(argv) not in (1, 2) or not Path(argv[0]).is_file() or (len(argv) == 2 and not argv[1].isdigit()):
        print("usage: python docs/screenshots/feedback.py FEEDBACK_HTML [N]", file=sys.stderr)
        return 2
    nth = max(int(argv[1]) if len(argv) == 2 else 1, 1) - 1
    url = Path(argv[0]).resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
        page.goto(url, wait_until="load")
        if page.locator(BOX).count() <= nth:
            print(f"{argv[0]} has {page.locator(BOX).count()} likely-mistake box(es), not {nth + 1}", file=sys.stderr)
            return 1
        # the student's answer above the box, the box, and the first failed checks below it
        page.evaluate("""([sel, n]) => { const b = document.querySelectorAll(sel)[n];
            const cell = b.closest('.cell'); const prev = cell && cell.previousElementSibling;
            (prev || b).scrollIntoView({block: 'start'}); window.scrollBy(0, -10); }""", [BOX, nth])
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT), type="jpeg", quality=70)
        browser.close()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
