"""The built HTML book in a real browser: charts draw and respond with no kernel, offline.

Needs the book built (``make test`` builds it first), Playwright and a Chromium (Debian's
``chromium``; ``CNN_COURSE_BROWSER`` may name another binary): without them the tests skip,
and fail where ``CI`` is true (``tests/course_resources.py``).  Every request to anything
but the book's own files is blocked and recorded, so the test also proves the pages need
no network.  Screenshots of each chapter go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from course_resources import require

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "artifacts" / "screenshots"
CHAPTER_PAGES = sorted((HTML / "chapters").glob("*.html"))


@pytest.fixture(scope="module")
def browser_context(book, chromium):
    sync_api = require("playwright")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        external: list[str] = []

        def gate(route):  # the book's own files only
            url = route.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                external.append(url)
                route.abort()

        context.route("**/*", gate)
        yield context, external
        context.close()
        browser.close()


def open_page(context, path: Path):
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors


def test_there_are_chapter_pages(book) -> None:
    assert len(CHAPTER_PAGES) >= 2


@pytest.mark.parametrize("path", CHAPTER_PAGES, ids=[p.stem for p in CHAPTER_PAGES])
def test_chapter_charts_draw_offline_and_sliders_respond(browser_context, path: Path) -> None:
    context, external = browser_context
    external.clear()
    page, errors = open_page(context, path)
    charts = page.locator(".cnn-course-chart")
    count = charts.count()
    assert count > 0, f"{path.name} has no charts"
    page.wait_for_function(
        "n => document.querySelectorAll('.cnn-course-chart svg.marks').length >= n", arg=count, timeout=30_000
    )
    for i in range(count):
        chart = charts.nth(i)
        assert chart.locator("svg.marks path, svg.marks rect, svg.marks text").count() > 0, f"chart {i} drew nothing"
        sliders = chart.locator("input[type=range]")
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            before = chart.locator("svg.marks").inner_html()
            target = slider.evaluate(
                "el => { const v = Number(el.value) === Number(el.max) ? el.min : el.max;"
                " el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); return v; }"
            )
            page.wait_for_timeout(300)
            after = chart.locator("svg.marks").inner_html()
            assert after != before, f"{path.name}: moving slider {s} of chart {i} to {target} changed nothing"
        menus = chart.locator(".vega-bindings select")
        for s in range(menus.count()):
            before = chart.locator("svg.marks").inner_html()
            menus.nth(s).evaluate(
                "el => { el.selectedIndex = (el.selectedIndex + 1) % el.options.length;"
                " el.dispatchEvent(new Event('change', {bubbles: true})); }"
            )
            page.wait_for_timeout(300)
            assert chart.locator("svg.marks").inner_html() != before, f"{path.name}: menu {s} of chart {i} changed nothing"
    # MathJax and the page's own scripts had their chance to run
    page.wait_for_timeout(500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path.stem}.png"), full_page=True)
    assert not errors, "\n".join(errors)
    assert not external, f"{path.name} asked for outside resources: {external}"


OTHER_PAGES = ["index.html", "intro.html", "instructor.html", "runtimes.html", "bibliography.html", "search.html"]


@pytest.mark.parametrize("name", OTHER_PAGES)
def test_other_pages_load_cleanly_offline(browser_context, name: str) -> None:
    context, external = browser_context
    external.clear()
    page, errors = open_page(context, HTML / name)
    page.wait_for_timeout(500)
    assert not errors, "\n".join(errors)
    assert not external, f"{name} asked for outside resources: {external}"
