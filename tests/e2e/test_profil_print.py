"""Browser tests of the municipality profile: it prints on one A4 page, and the selection survives navigation."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import wait_ready

SETTLED = """() => {
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const imgs = [...document.querySelectorAll(
    '[class*="st-key-svg_"] img, [class*="st-key-print-only"] img, .st-key-profil-kart img')];
  return imgs.length >= 6 && imgs.every(i => i.complete && i.naturalWidth > 0);
}"""


def pdf_pages(pdf: bytes) -> int:
    """Number of pages in a PDF: the page objects, checked against the page tree's /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.S)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf, re.S)]
    if counts:
        assert max(counts) == pages, (pages, counts)
    return pages


def open_profile(page, app_url: str, kode: str, name: str) -> None:
    """Open a profile and wait until every element and the print images have loaded."""
    page.goto(f"{app_url}/kommuneprofil?kommune={kode}")
    wait_ready(page)
    page.wait_for_function(SETTLED, timeout=60_000)
    assert page.locator("h1").first.inner_text().strip() == name


#: Every text of the printed profile, as printed: [font size in pt, the text], smallest first (1 CSS px = 0.75 pt;
#: the profile is laid out wider than the page and zoomed to it).
PRINTED_SIZES = """() => {
  const zoom = parseFloat(getComputedStyle(document.querySelector('.block-container')).zoom) || 1;
  const out = [];
  for (const el of document.querySelectorAll('.st-key-profil *, .st-key-synthetic_banner *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim())) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('[data-testid="stIconMaterial"]')) continue;  // an icon, not text
    out.push([parseFloat(getComputedStyle(el).fontSize) * zoom * 0.75, el.innerText.trim().slice(0, 60)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}"""


# Ålesund and Hábmer – Hamarøy have the longest printed profiles of the mirror (mergers, a split, long notes)
@pytest.mark.parametrize(("kode", "name"), [("1508", "Ålesund"), ("0301", "Oslo"), ("1875", "Hábmer – Hamarøy")])
def test_profile_prints_on_one_a4_page(app_url, page, kode, name):
    open_profile(page, app_url, kode, name)
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    # what the printed page shows: no navigation or controls, the link and QR code back to the live page
    assert page.locator("[data-testid='stSelectbox']").first.is_hidden()
    assert page.locator("[data-testid='stDownloadButton']").first.is_hidden()
    assert page.locator("[data-testid='stExpander']").first.is_hidden()
    assert page.locator("[data-testid='stTopNav']").count() == 0 or page.locator("[data-testid='stTopNav']").is_hidden()
    qr = page.locator(".st-key-print-only-lenke img")
    assert qr.is_visible() and qr.get_attribute("alt").startswith("QR-kode med lenke")
    assert f"kommuneprofil?kommune={kode}" in page.locator(".st-key-print-only-lenke").inner_text()
    assert page.locator(".st-key-svg_grasrot img").is_visible()
    assert page.locator(".st-key-svg_wide_kategorier img").is_visible()
    assert page.locator(".st-key-svg_narrow_kategorier").is_hidden()  # the phone's layout, also from a phone
    assert page.locator(".st-key-svg_sammenligning").is_hidden()  # the key table above prints the same numbers
    assert page.locator(".st-key-profil-kart img").get_attribute("alt").startswith("Kart over ")  # locator map
    assert page.locator(".st-key-profil-kart img").is_visible()
    # readable in a meeting: no text under 8 pt, the header line and the notes on mergers included
    sizes = page.evaluate(PRINTED_SIZES)
    assert sizes[0][0] >= 7.95, sizes[:5]
    header = page.locator(".st-key-profil-hode [data-testid='stCaptionContainer']").first
    assert header.inner_text().startswith(("Kommune i ", "Kommune og fylke"))
    # the sources once, at the end, instead of under every figure
    sources = page.locator(".st-key-print-only-kilder")
    assert sources.is_visible() and sources.inner_text().startswith("Kilder")
    for producer in ("Statistisk sentralbyrå", "Brønnøysundregistrene", "Norsk Tipping", "Kartverket"):
        assert sources.inner_text().count(producer) == 1, producer
    shown = [t for _, t in sizes]
    assert not any(t.startswith("Kilde:") for t in shown), "no source line under each figure"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 1


def test_profile_prints_on_one_page_without_print_preview(app_url, page):
    """As when a reader presses Ctrl+P: printed straight from the screen layout, no redraw in between."""
    open_profile(page, app_url, "1508", "Ålesund")
    assert pdf_pages(page.pdf(format="A4", print_background=True)) == 1


def test_selection_survives_navigation_in_the_browser(app_url, page):
    page.goto(f"{app_url}/kommuneprofil?kommune=1508&aar=2022&indikator=grasrot_kr_per_innbygger")
    wait_ready(page)
    page.get_by_role("link", name="Kart").first.click()
    page.wait_for_url(re.compile(r"/kart\?"), timeout=30_000)
    wait_ready(page)
    page.wait_for_function("() => location.search.includes('kommune=1508')", timeout=30_000)
    assert "aar=2022" in page.url and "indikator=grasrot_kr_per_innbygger" in page.url
    page.get_by_role("link", name="Kommuneprofil").first.click()
    page.wait_for_url(re.compile(r"/kommuneprofil\?"), timeout=30_000)
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.trim() "
                           "=== 'Ålesund'", timeout=30_000)
    assert "kommune=1508" in page.url
    # a reload keeps it
    page.reload()
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == "Ålesund"


def test_a_focused_page_link_is_clearly_outlined(app_url, page):
    page.goto(f"{app_url}/kommuneprofil")
    wait_ready(page)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('[data-testid=\"stTopNavLink\"]')"):
            break
    else:
        pytest.fail("no page link was reached with Tab")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] == "solid" and style[1] >= 2, style


def test_keyboard_reaches_the_municipality_search(app_url, page):
    page.goto(f"{app_url}/kommuneprofil")
    wait_ready(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        label = page.evaluate("() => document.activeElement && (document.activeElement.getAttribute('aria-label') "
                              "|| (document.activeElement.labels && document.activeElement.labels[0] "
                              "&& document.activeElement.labels[0].innerText) || '')")
        if label.startswith("Søk på navn eller nummer"):
            break
    else:
        pytest.fail("the search box was not reached with Tab")
    page.keyboard.type("1534")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.trim() "
                           "=== 'Haram'", timeout=30_000)
    assert "kommune=1580" in page.url


@pytest.mark.parametrize(("width", "shown", "hidden"), [(390, "narrow", "wide"), (820, "narrow", "wide"),
                                                      (1280, "wide", "narrow")])
def test_a_narrow_column_gets_the_narrow_drawing_of_the_categories(browser, app_url, width, shown, hidden):
    """In a narrow column (a phone; two columns on a tablet) the categories chart's names sit above the bars, so
    its text stays as large as the page's."""
    ctx = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900})
    try:
        pg = ctx.new_page()
        open_profile(pg, app_url, "1508", "Ålesund")
        img = pg.locator(f".st-key-svg_{shown}_kategorier img")
        assert img.is_visible() and pg.locator(f".st-key-svg_{hidden}_kategorier").is_hidden()
        # drawn at no more than its natural width, and at least 90 % of it: its text is not shrunk
        natural, drawn = img.evaluate("i => [i.naturalWidth, i.getBoundingClientRect().width]")
        assert natural * 0.9 <= drawn <= natural + 1
    finally:
        ctx.close()


def test_the_tab_title_names_the_municipality_and_changes_with_it(app_url, page):
    """The browser's title (tabs, bookmarks, history, the printed PDF's default file name) is the profile's."""
    open_profile(page, app_url, "1508", "Ålesund")
    assert page.title() == "Ålesund – Kommuneprofil – Frivillighetsstatistikk"
    page.locator("[data-testid='stSelectbox']").first.click()
    page.keyboard.type("Utsira")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.title === 'Utsira – Kommuneprofil – Frivillighetsstatistikk'",
                           timeout=30_000)
    page.get_by_role("link", name="Oversikt").first.click()  # another page has the app's own title again
    page.wait_for_function("() => document.title === 'Frivillighetsstatistikk'", timeout=30_000)


def test_the_print_button_opens_the_print_dialog_without_a_rerun(app_url, page):
    open_profile(page, app_url, "1508", "Ålesund")
    page.evaluate("""() => {
      window.__printed = 0;
      window.print = () => { window.__printed += 1; };
      window.__reran = false;  // a rerun sets the app's script state to running
      const app = document.querySelector('[data-testid="stApp"]');
      new MutationObserver(() => { if (app.dataset.testScriptState === "running") window.__reran = true; })
        .observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
    }""")
    button = page.locator(".st-key-profil_skriv_ut").get_by_role("button", name="Skriv ut")
    button.click()
    page.wait_for_function("() => window.__printed === 1", timeout=5_000)
    page.wait_for_timeout(1_000)
    assert page.evaluate("() => window.__reran") is False
    button.press("Enter")  # the keyboard too
    page.wait_for_function("() => window.__printed === 2", timeout=5_000)
    page.emulate_media(media="print")
    assert button.is_hidden()


def test_the_key_table_fits_a_phone(browser, app_url):
    """The key table, its policy row with shares ('11 %', the unit in the row's label), is not wider than a phone."""
    ctx = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 900})
    try:
        pg = ctx.new_page()
        open_profile(pg, app_url, "1508", "Ålesund")
        table = pg.locator(".st-key-profil [data-testid='stTableStyledTable']").first
        table_w, column_w = table.evaluate("t => [t.getBoundingClientRect().width, "
                                           "t.closest('[data-testid=\"stVerticalBlock\"]').getBoundingClientRect().width]")
        assert table_w <= column_w + 1, (table_w, column_w)
    finally:
        ctx.close()
