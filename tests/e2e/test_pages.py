"""Browser tests of every page: it renders without error at desktop and phone width, passes axe-core, and the
map redraws when the reader picks another indicator or level."""

from __future__ import annotations

import re

import pytest

from dashboard import maps, style
from tests.e2e.conftest import checked_page, run_axe, wait_ready

#: (address, the page's heading, a selector for its first figure)
PAGES = [
    ("/", "Frivillighet i Norge", "[class*='st-key-kort-'] img"),
    ("/kart", "Kart", "[data-testid='stDeckGlJsonChart'] canvas"),
    ("/frivillighetspolitikk", "Frivillighets\u00adpolitikk i kommunene", ".js-plotly-plot"),
    ("/tilskudd", "Tilskudd", ".js-plotly-plot"),
    ("/kommuneprofil?kommune=1508", "Ålesund", ".st-key-profil-kart img"),
    ("/om_dataene", "Om dataene", "[data-testid='stDataFrame']"),
]
BANNER = "Testdata – ikke offisiell statistikk"
#: Streamlit's, plotly's and MapLibre's English words for their controls (style.py puts them in bokmål)
ENGLISH = sorted({*style.UI_ATTRIBUTES, *style.PLOTLY_DICTIONARY})
ENGLISH_LEFT_JS = """(words) => {
  const english = new Set(words), left = [];
  for (const el of document.querySelectorAll('[aria-label], [title], [data-title], [placeholder]'))
    for (const a of ['aria-label', 'title', 'data-title', 'placeholder'])
      if (english.has(el.getAttribute(a)) || (a === 'aria-label' && /^Fullscreen|icon$/.test(el.getAttribute(a))))
        left.push(`${a}=${el.getAttribute(a)}`);
  return left;
}"""


def english_left(pg) -> list[str]:
    """The controls still labelled in English (read aloud by screen readers, shown as tooltips)."""
    pg.wait_for_timeout(200)  # the page script translates once per frame
    return pg.evaluate(ENGLISH_LEFT_JS, ENGLISH)


def open_page(pg, url: str, heading: str) -> None:
    """Go to a page, wait until Streamlit has run it, and check the heading and the synthetic-data banner."""
    pg.goto(url)
    wait_ready(pg)
    pg.wait_for_function("(h) => { const e = document.querySelector('h1'); return e && e.innerText.trim() === h }",
                         arg=heading, timeout=30_000)
    assert BANNER in pg.locator(".st-key-synthetic_banner").inner_text()


@pytest.fixture()
def phone(browser):
    """A fresh page at phone width (390 px, touch)."""
    yield from checked_page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True,
                            has_touch=True)


@pytest.mark.parametrize(("path", "heading", "figure"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_and_passes_axe(app_url, page, axe_source, path, heading, figure):
    open_page(page, app_url + path, heading)
    page.locator(figure).first.wait_for(state="visible", timeout=30_000)
    # every page with figures names their sources under them (Om dataene is the list of sources itself)
    if path != "/om_dataene":
        assert page.get_by_text(re.compile(r"^Kilde: ")).count() >= 1
    if path in ("/", "/om_dataene"):  # a table says it scrolls sideways where it does, and only there
        page.wait_for_timeout(1_200)  # (the page script looks at the tables twice a second)
        hints = page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-phone-only-sveip-"]')].map(h => {
            let next = h.parentElement.nextElementSibling, sc = null;
            for (let i = 0; next && i < 2 && !sc; i++, next = next.nextElementSibling)
              sc = next.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
            return [!!sc && sc.scrollWidth > sc.clientWidth + 2, h.checkVisibility()]; })""")
        assert hints and all(wide == visible for wide, visible in hints), hints
        if path == "/om_dataene":  # the sources table is wider than the page; the list of deviations is not
            assert hints[0] == [True, True] and [False, False] in hints, hints
    # the headings go down one level at a time (page, section, figure): screen readers navigate by them
    levels = page.evaluate("() => [...document.querySelectorAll('.stMain :is(h1, h2, h3, h4, h5, h6)')]"
                           ".map(h => [Number(h.tagName[1]), h.innerText.slice(0, 40)])")
    assert levels and levels[0][0] == 1, levels
    skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b[0] > a[0] + 1]
    assert skipped == [], skipped
    # the page says it is in bokmål, and so do the controls of Streamlit, the charts and the map
    assert page.evaluate("document.documentElement.lang") == "nb"
    assert english_left(page) == []
    violations = run_axe(page, axe_source)
    assert violations == [], violations


@pytest.mark.parametrize(("path", "heading", "figure"), PAGES, ids=[p[0] for p in PAGES])
def test_page_works_at_phone_width(app_url, phone, axe_source, path, heading, figure):
    open_page(phone, app_url + path, heading)
    phone.locator(figure).first.wait_for(state="visible", timeout=30_000)
    # nothing pushes the page wider than the screen (tables and maps scroll or shrink inside it)
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than a 390 px screen"
    # every tab is in view: none hidden behind the tab bar's scroll arrow, where a reader would miss it
    for tablist in phone.locator("[role='tablist']").all():
        hidden = tablist.evaluate("t => t.scrollWidth - t.clientWidth")
        assert hidden <= 1, f"{hidden} px of the tabs are hidden behind the scroll arrow"
    if path == "/":  # a wide table says it scrolls sideways, on a phone only
        assert phone.get_by_text("sveip eller rull sidelengs i den").first.is_visible()
    violations = run_axe(phone, axe_source)
    assert violations == [], violations


def choose_option(pg, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with the given label, as a reader does with the mouse."""
    pg.get_by_role("combobox", name=label, exact=True).click()
    pg.get_by_role("option", name=option, exact=True).click()


def legend_title(pg) -> str:
    return pg.locator(".map-legend p").first.inner_text().strip()


def test_map_redraws_for_another_indicator_and_level(app_url, page):
    fetched: list[tuple[str, int]] = []  # the map's areas come as a file (map_files)
    page.on("response", lambda r: fetched.append((r.url, r.status)) if "/app/static/kart/" in r.url else None)
    open_page(page, app_url + "/kart", "Kart")
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    first_legend = legend_title(page)
    assert page.locator(".map-legend li").count() >= 3, "the legend has no class breaks"
    page.wait_for_function(DECK_DRAWN, timeout=60_000, polling=100)
    page.wait_for_timeout(300)
    before = canvas.screenshot()

    choose_option(page, "Tall", "Grasrotandelen, kroner per innbygger")
    page.wait_for_url(re.compile(r"indikator=grasrot_kr_per_innbygger"), timeout=30_000)
    wait_ready(page)
    page.wait_for_function("(old) => { const p = document.querySelector('.map-legend p'); "
                           "return p && p.innerText.trim() !== old }", arg=first_legend, timeout=30_000)
    assert "grasrot" in legend_title(page).lower()
    assert canvas.is_visible() and canvas.bounding_box()["height"] > 300
    for _ in range(40):  # the new colours are drawn once deck.gl has fetched the new areas
        if canvas.screenshot() != before:
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError("the map still shows the old indicator's colours")
    assert len({url for url, _ in fetched}) >= 2 and all(status == 200 for _, status in fetched), fetched
    assert "Grasrotandelen, kroner per innbygger" in page.locator(".stMain h2").first.inner_text()  # the map's title

    choose_option(page, "Nivå", "Fylker")
    page.wait_for_url(re.compile(r"nivaa=fylke"), timeout=30_000)
    wait_ready(page)
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(state="visible", timeout=30_000)
    # the summary under the map now speaks of the 15 counties
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           ".includes('for 15 fylker')", timeout=30_000)
    assert page.locator(".map-legend li").count() >= 3
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_controls_own_words_are_in_bokmal(app_url, page):
    """What Streamlit writes itself: the main menu, a search with no match, the keyboard's skip link."""
    open_page(page, app_url + "/kommuneprofil?kommune=1508", "Ålesund")
    box = page.get_by_role("combobox", name="Kommune", exact=True)
    box.click()
    box.fill("zzzq")
    page.get_by_text("Ingen treff", exact=True).wait_for(timeout=5_000)
    assert page.get_by_text("No results").count() == 0
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Hovedmeny").click()
    # (the menu's item: the profile has a "Skriv ut" button of its own)
    page.get_by_test_id("stMainMenuItem-print").get_by_text("Skriv ut", exact=True).wait_for(timeout=5_000)
    assert page.get_by_text("Print", exact=True).count() == 0
    # what is for developers is not in the public menu: the screen recording, the framework's version
    assert not page.get_by_test_id("stMainMenuItem-recordScreencast").is_visible()
    assert not page.get_by_text("Made with Streamlit").is_visible()
    page.keyboard.press("Escape")
    # an icon's name ("print", "keyboard_arrow_right") is not copied with the page's text
    page.keyboard.press("Control+a")
    copied = page.evaluate("() => window.getSelection().toString()").split()
    assert "keyboard_arrow_right" not in copied and "print" not in copied
    assert page.locator("[data-testid='stSkipToContent']").inner_text().strip() == "Gå til hovedinnholdet"
    assert english_left(page) == []


def test_the_browser_tab_names_the_page(app_url, page):
    """Tabs, bookmarks and history tell the pages apart, also after moving between them in the app."""
    open_page(page, app_url + "/", "Frivillighet i Norge")
    assert page.title() == "Frivillighetsstatistikk"
    open_page(page, app_url + "/om_dataene", "Om dataene")
    assert page.title() == "Om dataene – Frivillighetsstatistikk"
    page.get_by_role("link", name="Kart", exact=True).first.click()
    page.wait_for_function("() => document.title === 'Kart – Frivillighetsstatistikk'", timeout=30_000)


def test_old_municipality_number_in_a_link_leads_to_today(app_url, page):
    page.goto(f"{app_url}/kommuneprofil?kommune=1534")
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.trim() "
                           "=== 'Haram'", timeout=30_000)
    assert "kommune=1580" in page.url
    assert "1534" in page.locator("[data-testid='stMain']").inner_text()


def test_unknown_municipality_gives_a_friendly_message(app_url, page):
    page.goto(f"{app_url}/kommuneprofil?kommune=9999")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "9999" in main
    assert page.locator("[data-testid='stException']").count() == 0


def test_csv_download_from_the_map_page(app_url, page):
    open_page(page, app_url + "/kart", "Kart")
    button = page.locator("[data-testid='stDownloadButton']").filter(has_text="CSV").first
    with page.expect_download(timeout=30_000) as info:
        button.click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    assert text.count("\n") >= 357, "the CSV should hold a row per municipality"
    assert "Ålesund" in text


def test_size_group_tab_is_drawn_when_opened_and_kept_in_the_link(app_url, page):
    open_page(page, app_url + "/frivillighetspolitikk", "Frivillighets\u00adpolitikk i kommunene")
    title = "Status etter antall innbyggere i kommunen"
    assert page.get_by_text(title).count() == 0, "the closed tab should not be built"
    page.get_by_role("tab", name="Kommunestørrelse").click()
    page.get_by_text(title).first.wait_for(timeout=30_000)
    wait_ready(page)
    assert page.locator("[data-testid='stTabs'] .js-plotly-plot").count() == 1
    assert "visning=Kommunest" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    # a link from before every view had its tab (?fordeling=) opens the same view
    page.goto(app_url + "/frivillighetspolitikk?fordeling=Etter+kommunest%C3%B8rrelse")
    page.get_by_text(title).first.wait_for(timeout=30_000)
    wait_ready(page)
    assert page.get_by_role("tab", name="Kommunestørrelse").get_attribute("aria-selected") == "true"
    assert "fordeling=" not in page.url and "visning=Kommunest" in page.url, "the link to share names the tab"


def test_tilskudd_tab_is_drawn_when_opened_and_reopened_from_the_link(app_url, page):
    open_page(page, app_url + "/tilskudd", "Tilskudd")
    title = "kroner per innbygger per fylke"
    page.locator("[data-testid='stTabs'] .js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text(title).count() == 0, "the closed tab should not be built"
    page.get_by_role("tab", name="Fylker", exact=True).click()
    page.get_by_text(title).first.wait_for(timeout=30_000)
    wait_ready(page)
    page.locator("[data-testid='stTabs'] .js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.locator("[data-testid='stTabs'] .js-plotly-plot").count() == 1  # by county
    assert "visning=" in page.url
    link = page.url
    page.goto(link)  # a shared link opens the same tab
    wait_ready(page)
    page.get_by_text(title).first.wait_for(timeout=30_000)
    assert page.get_by_role("tab", name="Fylker", exact=True, selected=True).count() == 1
    assert "visning=" in page.url
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.fixture()
def tablet(browser):
    """A fresh page at tablet width (820 px, an iPad Air held upright)."""
    yield from checked_page(browser, viewport={"width": 820, "height": 1180}, device_scale_factor=1, has_touch=True)


def test_every_page_link_shows_at_tablet_width(app_url, tablet):
    open_page(tablet, app_url + "/kommuneprofil?kommune=1508", "Ålesund")
    links = tablet.locator("[data-testid='stTopNav'] [data-testid='stTopNavLink']:visible")
    names = [t.strip() for t in links.all_inner_texts()]
    assert [n.split("\n")[-1] for n in names] == ["Oversikt", "Kart", "Frivillighetspolitikk", "Tilskudd",
                                                  "Kommuneprofil", "Om dataene"], names
    assert "more" not in tablet.locator("[data-testid='stTopNav']").inner_text(), "Streamlit's English overflow"


#: Resolves once the deck.gl canvas shows the map: more than 20 of 48 × 48 sampled pixels neither transparent
#: nor near-white (the sea is near-white), as bench/_common.py's VISIBLE_JS.
DECK_DRAWN = """() => { const c = document.querySelector("[data-testid='stDeckGlJsonChart'] canvas");
  if (!c || !c.width) return false;
  const p = document.createElement('canvas'); p.width = 48; p.height = 48;
  const x = p.getContext('2d'); x.drawImage(c, 0, 0, 48, 48); const d = x.getImageData(0, 0, 48, 48).data;
  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i+3] > 0 && !(d[i] > 240 && d[i+1] > 240 && d[i+2] > 240)) n++;
  return n > 20; }"""


def _differing_share(a: bytes, b: bytes) -> float:
    """The share of pixels that differ clearly (by more than 40 of 255 in some channel) between two PNGs."""
    import io

    from PIL import Image, ImageChops

    one, two = (Image.open(io.BytesIO(x)).convert("RGB") for x in (a, b))
    assert one.size == two.size
    diff = ImageChops.difference(one, two).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255] / (one.width * one.height)


#: The deck.gl canvas's top-left pixel as [r, g, b, alpha].
CORNER = """() => { const c = document.querySelector("[data-testid='stDeckGlJsonChart'] canvas");
  const p = document.createElement('canvas'); p.width = c.width; p.height = c.height;
  const x = p.getContext('2d'); x.drawImage(c, 0, 0); return Array.from(x.getImageData(4, 4, 1, 1).data); }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_static_drawing_lies_exactly_beneath_the_map_and_is_what_prints(browser, app_url, width):
    """What the reader sees before deck.gl has drawn (and in print) is the same map in the same place: with the
    deck.gl canvas hidden, the map's box looks the same (edges aside). Once drawn, the canvas is opaque (its sea
    covers the drawing, also when the map is panned)."""
    for pg in checked_page(browser, viewport={"width": width, "height": 900}):
        open_page(pg, app_url + "/kart?kommune=1508", "Kart")
        pg.wait_for_function(DECK_DRAWN, timeout=60_000, polling=100)
        pg.wait_for_timeout(300)
        assert pg.evaluate(CORNER) == [244, 247, 250, 255]  # maps.SEA, opaque
        box = pg.locator("[class*='st-key-deckmap-']").first
        box.scroll_into_view_if_needed()
        drawn = box.screenshot()
        pg.emulate_media(media="print")
        img = box.locator("img")
        assert img.is_visible() and img.bounding_box()["height"] >= 0.9 * maps.MAP_HEIGHT
        assert box.locator("[data-testid='stDeckGlJsonChart']").evaluate("e => getComputedStyle(e).visibility") \
            == "hidden"
        pg.emulate_media(media="screen")
        pg.add_style_tag(content="[data-testid='stDeckGlJsonChart'] { visibility: hidden !important; }")
        pg.wait_for_timeout(300)
        share = _differing_share(drawn, box.screenshot())
        assert share < 0.03, f"{share:.1%} of the map's pixels differ between the map and its drawing"


@pytest.mark.parametrize(("width", "rows"), [(700, 2), (820, 1), (1280, 1)])
def test_headline_values_stay_whole_and_large(browser, app_url, width, rows):
    """Between a phone and a tablet the four cards go two a row; a value never breaks inside a word
    ('810 mill. k / r') and stays a headline (at least 24 px)."""
    for pg in checked_page(browser, viewport={"width": width, "height": 900}):
        open_page(pg, app_url + "/tilskudd", "Tilskudd")
        values = pg.locator("[class*='st-key-kort-'] > [data-testid='stElementContainer']:nth-child(2) p:first-child")
        values.first.wait_for(state="visible", timeout=30_000)
        # all four measured in one go (the page may still move while late elements load above the cards)
        boxes = values.evaluate_all(
            "els => els.slice(0, 4).map(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); "
            "const card = e.closest(\"[class*='st-key-kort-']\").getBoundingClientRect(); "
            "return [Math.round(card.top), r.height, parseFloat(s.fontSize), parseFloat(s.lineHeight)] })")
        assert len({top for top, *_ in boxes}) == rows
        for _, height, size, line in boxes:
            assert size >= 24
            assert height <= line * 1.1, "a headline value wraps onto a second line"


#: The map's full-screen button as drawn, and every text above the map it could cover (legend, headings, notes).
MAP_BUTTON_AND_TEXTS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const button = document.querySelector("[class*='st-key-deckmap-'] [data-testid='stElementToolbar'] button");
  const texts = [...document.querySelectorAll('.stMain :is(.map-legend li, .map-legend p, h1, h2, h3, p)')]
    .filter(e => !e.closest("[class*='st-key-deckmap-']") && e.getBoundingClientRect().width > 0)
    .map(e => [e.innerText.trim().slice(0, 40), box(e)]);
  return {button: box(button), opacity: getComputedStyle(button.closest("[data-testid='stElementToolbar']")).opacity,
          name: button.getAttribute('aria-label'), texts};
}"""


@pytest.mark.parametrize(("path", "title"), [
    ("/kart?indikator=org_per_1000&nivaa=kommune&aar=2024", "Kart: Frivillige organisasjoner per 1\u00a0000 "
                                                             "innbyggere, 2024"),
    ("/kart?indikator=politikk_status&nivaa=kommune&aar=2024", "Kart: Frivillighetspolitikk i kommunene, 2024"),
    ("/frivillighetspolitikk?visning=Kart+og+kommuner&aar=2024", "Kart: status i hver kommune, 2024"),
], ids=["kart", "kart-status", "politikk"])
@pytest.mark.parametrize(("width", "touch"), [(1280, False), (820, True), (390, True)],
                         ids=["1280-hover", "820-touch", "390-touch"])
def test_the_map_s_full_screen_button_covers_no_legend_and_has_a_short_name(browser, app_url, path, title, width,
                                                                            touch):
    """The full-screen button shows over the map on hover (always on a touch screen): it lies in a row of its own,
    never on the legend's last class or the heading; a screen reader names it by the map's title, not its summary."""
    for pg in checked_page(browser, viewport={"width": width, "height": 900}, has_touch=touch):
        pg.goto(app_url + path)
        wait_ready(pg)
        chart = pg.locator("[data-testid='stDeckGlJsonChart']").first
        chart.wait_for(state="visible", timeout=30_000)
        chart.scroll_into_view_if_needed()
        chart.tap() if touch else chart.hover()
        pg.wait_for_timeout(400)
        found = pg.evaluate(MAP_BUTTON_AND_TEXTS)
        assert found["opacity"] == "1", "the full-screen button is not shown"
        assert found["name"] == f"Fullskjerm: {title}"
        b = found["button"]
        covered = [text for text, t in found["texts"] if b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3]]
        assert covered == [], f"the full-screen button covers {covered}"


def _swipe(cdp, pg, x: float, y: float, dx: float, dy: float, steps: int = 15) -> None:
    """A one-finger swipe from (x, y) by (dx, dy), as touch events."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x + dx * i / steps, "y": y + dy * i / steps}]})
        pg.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    pg.wait_for_timeout(600)


def _page_scroll(pg) -> float:
    """How far the page's content is scrolled (Streamlit scrolls its main block, not the window)."""
    return pg.evaluate("Math.max(window.scrollY, ...[...document.querySelectorAll('[data-testid=\"stMain\"], "
                       "[data-testid=\"stAppViewContainer\"], section')].map(e => e.scrollTop))")


def test_a_finger_moved_up_over_the_map_scrolls_the_page_and_sideways_pans_the_map(app_url, phone):
    """On a phone the map is most of the screen: swiping up over it scrolls the page (deck.gl alone would take the
    swipe and pan the map, and the reader could not scroll past it); swiping sideways still pans the map."""
    open_page(phone, f"{app_url}/kart", "Kart")
    chart = phone.locator("[data-testid='stDeckGlJsonChart']").first
    chart.wait_for(state="visible", timeout=30_000)
    phone.wait_for_timeout(1500)  # deck.gl drawn
    chart.scroll_into_view_if_needed()
    cdp = phone.context.new_cdp_session(phone)
    box = chart.bounding_box()
    before = _page_scroll(phone)
    _swipe(cdp, phone, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8, 0, -250)
    assert _page_scroll(phone) > before + 100, "the page did not scroll"
    box = chart.bounding_box()
    clip = {k: box[k] for k in ("x", "y", "width", "height")}
    still = phone.screenshot(clip=clip)
    _swipe(cdp, phone, box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2, -160, 0)
    assert phone.screenshot(clip=clip) != still, "a sideways swipe did not pan the map"
