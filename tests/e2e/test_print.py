"""Browser tests of printing the chart pages: every interactive chart and table fits the width of an A4 page.

A printed page is laid out at the paper's width, but nothing on it is redrawn: a plotly chart keeps its on-screen
size, and without the print script (style.PAGE_JS) its right part is cut off at the page edge. To look at that
layout, the page is frozen (no resize, media or size-observer callback runs, as while printing), narrowed to the
printable width of A4 portrait with 10 mm margins (190 mm = 718 px), switched to print media, and sent the
"beforeprint" event Chrome sends before printing (page.pdf() sends it too)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import checked_page, wait_ready
from tests.e2e.test_profil_print import pdf_pages

PRINT_WIDTH = 718  # A4 portrait (210 mm) less 2 × 10 mm margins (style.py's @page), in CSS px

#: No resize, media-change or size-observer callback runs once window.__frozen is set: the page's layout changes
#: and its scripts do not see it, as when Chrome lays a page out for print.
FREEZE = """(() => {
  const gate = f => function (...a) { if (!window.__frozen) return f.apply(this, a); };
  const RO = window.ResizeObserver;
  window.ResizeObserver = class extends RO { constructor(cb) { super(gate(cb)); } };
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, f, o) {
    return add.call(this, type, ["resize", "change"].includes(type) && typeof f === "function" ? gate(f) : f, o);
  };
  const addListener = MediaQueryList.prototype.addListener;
  MediaQueryList.prototype.addListener = function (f) { return addListener.call(this, gate(f)); };
})();"""

#: What sticks out to the right of its chart or of the page: plotly's texts (ticks, legend, annotations) and
#: the tables' canvases, with their right edge in px.
OVERFLOW = """(width) => {
  const out = [];
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const box = chart.getBoundingClientRect();
    for (const t of chart.querySelectorAll("svg.main-svg text")) {
      const r = t.getBoundingClientRect();
      if (r.width > 0 && (r.right > Math.min(box.right, width) + 1 || r.bottom > box.bottom + 1))
        out.push(`chart text "${t.textContent}" at ${Math.round(r.right)}×${Math.round(r.bottom)}`);
    }
  }
  for (const c of document.querySelectorAll('[data-testid="stDataFrame"] canvas')) {
    const r = c.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) out.push(`table canvas to ${Math.round(r.right)}`);
  }
  return out;
}"""


def charts_drawn(pg) -> None:
    """Wait until every plotly chart on the page has drawn its axes, and no more charts arrive (a reader prints
    a page once it is drawn; on a busy machine the last charts come later than the first)."""
    count = -1
    for _ in range(20):
        pg.wait_for_function("""() => {
          const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
          return charts.length > 0 && charts.every(c => c.querySelector("svg.main-svg .xtick text"));
        }""", timeout=60_000)
        now = pg.locator("[data-testid='stPlotlyChart']").count()
        if now == count:
            return
        count = now
        pg.wait_for_timeout(700)


def open_frozen(browser, app_url: str, path: str, width: int):
    """The page at `path`, laid out at `width` on screen, then frozen and laid out as for print."""
    gen = checked_page(browser, viewport={"width": width, "height": 900})
    pg = next(gen)
    pg.add_init_script(FREEZE)
    pg.goto(f"{app_url}{path}")
    wait_ready(pg)
    charts_drawn(pg)
    pg.wait_for_timeout(500)
    pg.evaluate("() => { window.__frozen = true; dispatchEvent(new Event('beforeprint')); }")
    pg.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
    pg.emulate_media(media="print")
    pg.wait_for_timeout(300)
    return gen, pg


@pytest.mark.parametrize("width", [1280, 820])
@pytest.mark.parametrize("path", ["/", "/frivillighetspolitikk", "/tilskudd"])
def test_charts_and_tables_fit_the_printed_page(browser, app_url, path, width):
    gen, pg = open_frozen(browser, app_url, path, width)
    try:
        assert pg.evaluate("() => document.documentElement.clientWidth") == PRINT_WIDTH
        assert pg.evaluate(OVERFLOW, PRINT_WIDTH) == []
        # each chart is kept whole on one page, its heading with it
        for el in pg.locator("[data-testid='stElementContainer']:has([data-testid='stPlotlyChart'])").all():
            assert el.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        # a chart drawn narrower than the page is not blown up: its text keeps its screen size
        assert pg.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .svg-container')].every(b =>
          b.getBoundingClientRect().width <= Number(b.querySelector('svg.main-svg').getAttribute('width')) + 1)""")
    finally:
        next(gen, None)


def test_a_scrolling_table_is_left_out_of_print_with_a_note(browser, app_url):
    """The map page's table (357 rows, scrolling in its box) would print only the rows in view."""
    gen = checked_page(browser, viewport={"width": 1280, "height": 900})
    pg = next(gen)
    try:
        pg.goto(f"{app_url}/kart")
        wait_ready(pg)
        table = pg.locator("[data-testid='stDataFrame']").first
        table.locator("canvas").first.wait_for(timeout=30_000)
        note = pg.locator("[class*='st-key-print-only-tabell-kart_tabell']")
        assert note.count() == 1 and note.is_hidden()
        hint = pg.get_by_text("Hold musepekeren over")
        assert hint.is_visible()
        pg.emulate_media(media="print")
        assert table.is_hidden()
        assert note.is_visible() and "ikke med på utskriften" in note.inner_text()
        assert hint.is_hidden(), "paper cannot be hovered or zoomed: the hint is not printed"
    finally:
        next(gen, None)


def test_printing_leaves_the_screen_as_it_was(page, app_url):
    """page.pdf() sends "beforeprint" and "afterprint" like Ctrl+P: the charts are given back their own drawing."""
    page.goto(f"{app_url}/frivillighetspolitikk")
    wait_ready(page)
    charts_drawn(page)
    sizes = "() => [...document.querySelectorAll('.js-plotly-plot .svg-container')].map(b => b.style.cssText)"
    before = page.evaluate(sizes)
    assert pdf_pages(page.pdf(format="A4", print_background=True)) >= 1
    assert page.evaluate("() => document.querySelectorAll('[data-print-fit], svg.main-svg[viewBox]').length") == 0
    assert page.evaluate(sizes) == before
