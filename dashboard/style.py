"""The app's stylesheet (constant CSS, no data), including the print stylesheet for meeting mode."""

from __future__ import annotations

import json

import streamlit as st

from dashboard import maps

CSS = """
<style>
/* calmer, statistics-office look */
h1, h2, h3, h4 { letter-spacing: -0.01em; }
/* heading levels follow the page (h1 page, h2 section, h3 figure); their sizes stay those of the layout */
.stMain h2 { font-size: 1.75rem; }
.stMain h3 { font-size: 1.5rem; }
/* a heading for screen readers only (components.hidden_heading) */
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-sr-only"]), [class*="st-key-sr-only"] {
  position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip-path: inset(50%); white-space: nowrap; margin: 0 !important; padding: 0 !important; }
/* headline cards (components.headline): label, then the value large, its change and a trend line */
[class*="st-key-kort-"] [data-testid="stMarkdownContainer"] p { margin-bottom: 0.25rem; }
[class*="st-key-kort-"] > [data-testid="stElementContainer"]:first-child p { font-size: 0.875rem; }
/* the value shrinks with a narrow card (four in a row on a tablet) rather than break inside '810 mill. kr' */
[class*="st-key-kort-"] { container-type: inline-size; }
[class*="st-key-kort-"] > [data-testid="stElementContainer"]:nth-child(2) p:first-child {
  font-size: clamp(1.5rem, 15cqi, 2.1rem); line-height: 1.25; font-variant-numeric: tabular-nums; }
/* between a phone (one card a row) and a tablet, four cards in a row would be too narrow: two a row */
@media (min-width: 641px) and (max-width: 760px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
    > [data-testid="stLayoutWrapper"] > [class*="st-key-kort-"]) { flex-wrap: wrap; row-gap: 1rem; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"]
    > [data-testid="stLayoutWrapper"] > [class*="st-key-kort-"]) > [data-testid="stColumn"] {
    flex: 1 1 40% !important; min-width: 40% !important; }
}
[class*="st-key-kort-"] img { display: block; width: 100%; height: 34px; margin-top: 0.25rem; }
/* cards in a row are as tall as the tallest (some have no change line) */
[data-testid="stColumn"]:has(> [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"] > [class*="st-key-kort-"])
  > [data-testid="stVerticalBlock"] { height: 100%; }
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-kort-"]) { flex: 1 1 auto; }
[class*="st-key-kort-"] { height: 100%; }
/* the stylesheet's own element takes no room */
[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"] style) { display: none; }
[data-testid="stCaptionContainer"] { color: #52606D; opacity: 1; }  /* Streamlit dims captions to 0.6: 2.7:1 contrast */
.block-container { padding-top: 3.5rem; max-width: 1200px; }
/* the table's own English "Download as CSV" (unformatted): the Norwegian CSV and Excel buttons are under it */
[data-testid="stElementToolbar"] button:is([aria-label="Download as CSV"], [aria-label="Last ned som CSV"]) {
  display: none; }
/* on a touch screen (no hover) plotly's and the tables' toolbars are always shown: plotly's would lie over the
   legend (the PNG button is left out; the data is in the downloads), a table's gets room above the table */
@media (hover: none) {
  .js-plotly-plot .modebar-container { display: none; }
  [data-testid="stElementContainer"]:has(> [data-testid="stDataFrame"], > * > [data-testid="stDataFrame"]) {
    margin-top: 2.25rem; }
}
/* Streamlit's menu: printing and «Om» stay; the screen recording and the framework's version are for developers */
[data-testid="stMainMenuItem-recordScreencast"], [data-testid="stMainMenuList"] + div { display: none; }
/* a Material icon is a word in a font ("print"): it is not copied with the text around it */
[data-testid="stIconMaterial"] { user-select: none; -webkit-user-select: none; }
/* a keyboard reader sees where the focus is (Streamlit gives a focused page link only a faint grey) */
:is(a, [data-testid="stTopNavLink"], [role="tab"]):focus-visible { outline: 3px solid #0B5CA8; outline-offset: 2px; }
/* the name in the header (st.logo) where there is room for it beside the six page links: a desktop, and a phone
   (where the links fold into a menu); not on a tablet */
@media (min-width: 641px) and (max-width: 1240px) { [data-testid="stHeaderLogo"] { display: none; } }
/* on a tablet the six page links fit without their icons (else two hide behind Streamlit's English "2 more") */
@media (max-width: 1100px) {
  [data-testid="stTopNavLink"] > span:first-child:has([data-testid="stIconMaterial"]) { display: none; }
  [data-testid="stTopNavLink"] { padding-left: 0.4rem; padding-right: 0.4rem; }
}
@media (max-width: 640px) {
  .block-container { padding-left: 0.8rem; padding-right: 0.8rem; }
  :is([data-testid="stHeading"], [data-testid="stMarkdownContainer"]) h1 { font-size: 1.7rem; }
  /* an embedded figure's title (level 2) should not take four lines */
  :is([data-testid="stHeading"], [data-testid="stMarkdownContainer"]) h2 { font-size: 1.45rem; }
  .st-key-profil [data-testid="stTableStyledTable"] { font-size: 0.8rem; }
  .st-key-profil [data-testid="stTableStyledTable"] :is(td, th) { padding: 0.3rem 0.3rem; hyphens: auto; }
}
/* print / meeting mode: one A4 page, no navigation or controls */
@page { size: A4 portrait; margin: 10mm; }
@media print {
  header, footer, [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stHeader"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], .stDownloadButton, .stButton,
  [data-testid="stExpander"], [data-testid="stSelectbox"], [data-testid="stTextInput"],
  .no-print, iframe[title="streamlit_analytics"] { display: none !important; }
  .print-only { display: block !important; }
  .block-container { padding: 0 !important; max-width: 100% !important; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  /* containers keyed "no-print-…" / "print-only-…" (st.container(key=...)), page links, chart toolbars */
  [class*="st-key-no-print"], [data-testid="stDownloadButton"], [data-testid="stPageLink"],
  [data-testid="stTopNav"], [data-testid="stElementToolbar"], [data-testid="stDeckGlJsonChartZoomButton"],
  [data-testid="stHeaderActionElements"], [data-testid="stSkipToContent"] { display: none !important; }
  [class*="st-key-print-only"] { display: flex !important; }
  /* the municipality profile: laid out at 1077 px and zoomed to the A4 page (1077 px × 0.667 ≈ 718 px = 190 mm), so
     that 1rem prints at 8 pt: no text of the profile is set smaller than 1rem (the header line, notes and
     sources included). To fit one page: tighter spacing, the sources listed once at the end (print-only-kilder)
     instead of under each figure, and no text alternative beside a chart that prints. */
  .block-container:has(.st-key-profil) { width: 1077px !important; max-width: none !important; zoom: 0.667; }

  .st-key-profil [data-testid="stVerticalBlock"] { gap: 0.15rem; }
  .st-key-profil [data-testid="stHorizontalBlock"] { display: flex !important; flex-wrap: nowrap !important; gap: 1.2rem; }
  .st-key-profil [data-testid="stColumn"] { min-width: 0 !important; width: auto !important; margin-bottom: 0 !important; }
  .st-key-profil :is([data-testid="stElementContainer"], [data-testid="stLayoutWrapper"]) { margin-bottom: 0 !important; }
  .st-key-profil [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
  /* (body …: the profile's screen rules below are as specific and come later) */
  body .st-key-profil h1 { font-size: 1.9rem; padding: 0; line-height: 1.15; }
  body .st-key-profil h2 { font-size: 1.3rem; padding: 0.25rem 0 0; }
  body .st-key-profil h3 { font-size: 1.1rem; padding: 0.1rem 0 0; }
  .st-key-profil hr { margin: 0.1rem 0 0 !important; }
  .st-key-profil :is(p, li, td, th, [data-testid="stCaptionContainer"]) { font-size: 1rem; }
  .st-key-profil :is(p, li, [data-testid="stCaptionContainer"]) { line-height: 1.2; }
  .st-key-profil :is(ul, ol) { margin-bottom: 0; }
  .st-key-profil li { margin-top: 0; margin-bottom: 0; padding-top: 0; padding-bottom: 0; }
  .st-key-profil [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]
    > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"] > [data-testid="stDownloadButton"]),
  .st-key-profil [data-testid="stElementContainer"]:has([data-testid="stExpander"]),
  .st-key-profil [class*="st-key-tabell_"] + [data-testid="stElementContainer"],
  .st-key-profil [data-testid="stLayoutWrapper"]:has(> [class*="st-key-svgbox_"]) + [data-testid="stElementContainer"] {
    display: none !important; }
  .st-key-profil [data-testid="stTableStyledTable"] :is(td, th) { padding: 0.05rem 0.4rem; line-height: 1.2; }
  /* the survey's answers on one line each ('Under arbeid'); the key figures: the names get a third of the width,
     the places share the rest (a long cell wraps) */
  .st-key-profil [data-testid="stHorizontalBlock"]:not(:has(.st-key-profil-kart)) [data-testid="stTableStyledTable"]
    :is(td, th):not(:first-child),
  .st-key-profil [data-testid="stHorizontalBlock"]:not(:has(.st-key-profil-kart)) [data-testid="stTableStyledTable"]
    :is(td, th):not(:first-child) * { white-space: nowrap; }
  .st-key-profil [data-testid="stHorizontalBlock"]:has(.st-key-profil-kart) [data-testid="stTableStyledTable"] {
    table-layout: fixed; width: 100%; }
  .st-key-profil [data-testid="stHorizontalBlock"]:has(.st-key-profil-kart) [data-testid="stTableStyledTable"]
    th:first-child { width: 34%; }
  /* the key figures get most of the width; the locator map beside them is small */
  .st-key-profil [data-testid="stHorizontalBlock"]:has(.st-key-profil-kart) > [data-testid="stColumn"]:first-child {
    flex: 1 1 79% !important; }
  .st-key-profil [data-testid="stHorizontalBlock"]:has(.st-key-profil-kart) > [data-testid="stColumn"]:last-child {
    flex: 0 0 19% !important; }
  body .st-key-profil-kart img { max-height: 140px; }
  /* the charts fill their column (half the page): their text prints at 7.5–9 pt */
  .st-key-profil [class*="st-key-svg_"] img { width: 100%; }
  /* link and QR code top right, beside the title; the app footer is left out */
  .st-key-profil { position: relative; }
  .st-key-print-only-lenke { position: absolute; top: 0; right: 0; width: 29% !important; z-index: 1; }
  .st-key-profil-hode { padding-right: 31%; min-height: 88px; }
  .block-container:has(.st-key-profil) [data-testid="stLayoutWrapper"]:has(.st-key-profil)
    ~ [data-testid="stElementContainer"] { display: none !important; }
  .st-key-synthetic_banner [data-testid="stAlert"] > div { padding: 0.3rem 0.6rem; }
}
[class*="st-key-print-only"] { display: none; }
/* the municipality profile on screen: section headings a step smaller than Streamlit's; figures right-aligned */
.st-key-profil h2 { font-size: 1.75rem; }
.st-key-profil h3 { font-size: 1.25rem; }
/* the locator map: the whole county in at most 260 px height, left-aligned */
.st-key-profil-kart img { display: block; width: 100%; height: auto; max-height: 260px; object-fit: contain;
  object-position: left top; }
.st-key-profil [data-testid="stTableStyledTable"] :is(td, th):not(:first-child) { text-align: right !important; }
/* tabs on a phone: a little less space between them, so a page's five or six tabs fit without the scroll arrow
   (a tab hidden behind it is easily missed) */
@media screen and (max-width: 640px) {
  [data-testid="stTabs"] [role="tablist"] { gap: 0.25rem; }
  [data-testid="stTabs"] [role="tab"] p { font-size: 0.8125rem; }
}
/* hints for a phone only (containers keyed "phone-only-…"), such as that a wide table scrolls sideways */
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-phone-only"]) { display: none; }
@media screen and (max-width: 640px) {
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-phone-only"]) { display: block; } }
/* …and the hint that a table scrolls sideways wherever it does (marked by the page script, _WIDE_TABLES) */
@media screen { [data-testid="stLayoutWrapper"][data-wide]:has(> [class*="st-key-phone-only-sveip"]) { display: block; } }
/* static charts: their drawn size, never wider than the column; a column narrower than 500 px (a phone, or two
   columns on a tablet) gets the narrow layout where there is one, so the text is not shrunk */
[class*="st-key-svg_"] img { display: block; max-width: 100%; height: auto; }
[class*="st-key-svgbox_"] { container-type: inline-size; }
[class*="st-key-svg_narrow_"] { display: none; }
@container (max-width: 500px) {
  [class*="st-key-svg_narrow_"] { display: flex; }
  [class*="st-key-svg_wide_"] { display: none; }
}
/* a deck.gl map over its static drawing (components.deck_map). The drawing is in the page's flow and gives the
   box its height from the start (the map's own element is a thin placeholder until its script has loaded); the
   map lies over it, its canvas transparent until deck.gl's first frame, then opaque. The drawing (map_drawing)
   centres itself in whatever width it gets, as deck.gl centres its view. Printed, the drawing shows (a WebGL canvas often prints
   blank), kept whole on one page and with its legend. */
[class*="st-key-deckmap-"] { position: relative; gap: 0; min-height: MAP_HEIGHTpx; }
[class*="st-key-deckmap-"] :is([data-testid="stMarkdown"], [data-testid="stMarkdownContainer"], p) { margin: 0; }
[class*="st-key-deckmap-"] img { display: block; width: 100%; max-width: none; height: MAP_HEIGHTpx;
  object-fit: fill; }
[class*="st-key-deckmap-"] > [data-testid="stElementContainer"]:not(:has(img)) {
  position: absolute; inset: 0; z-index: 1; }
[class*="st-key-deckmap-"] [data-testid="stSkeleton"] { opacity: 0; }
/* the map's full-screen button (Streamlit's toolbar, in the 44 px above the map; shown on hover, and always on a
   touch screen) gets a row of its own above the map, so it covers no text of the legend or heading above */
@media screen { [class*="st-key-deckmap-"] { margin-top: 1.75rem; } }
/* a finger moved up or down over a map scrolls the page, as anywhere else on it (on a phone the map is most of the
   screen); sideways it pans the map, two fingers zoom it. deck.gl sets touch-action: none inline, and Streamlit
   passes no touchAction prop on to it. */
[data-testid="stDeckGlJsonChart"] .deck-events-root { touch-action: pan-y !important; }
/* the sea beneath the areas (maps.sea_feature) has an empty name: no tooltip over it (deck.gl shows one inline) */
[data-testid="stDeckGlJsonChart"] .deck-tooltip:has(> b:empty:first-child) { display: none !important; }
/* the tooltip of an area near the map's right edge may run over the text beside the map, not be cut off */
@media (min-width: 641px) {
  [class*="st-key-deckmap-"] [data-testid="stDeckGlJsonChart"] div:has(.deck-tooltip) { overflow: visible !important; }
}
@media print {
  [class*="st-key-deckmap-"] [data-testid="stDeckGlJsonChart"] { visibility: hidden; }
  [data-testid="stHorizontalBlock"]:has([class*="st-key-deckmap-"]) { break-inside: avoid; }
  [data-testid="stElementContainer"]:has(.map-legend),
  [data-testid="stElementContainer"]:has(:is(h1, h2, h3, h4)) { break-after: avoid; }
  /* interactive charts and tables keep their on-screen pixel size when printed (nothing is redrawn): they are
     scaled down to the page width, never up, and kept whole on one page. A plotly chart is stacked svg layers
     without a viewBox; PAGE_JS gives them one on "beforeprint" (and takes it away on "afterprint"), with the
     drawn size in --print-w and --print-ratio. (Streamlit's own print rule stretches the chart box to 100 %.) */
  [data-testid="stElementContainer"]:has(> * > :is([data-testid="stPlotlyChart"], [data-testid="stDataFrame"])) {
    break-inside: avoid; }
  [data-testid="stElementContainer"]:has(> * > [data-testid="stPlotlyChart"]) { height: auto !important;
    flex: 0 0 auto !important; }
  .js-plotly-plot .svg-container[data-print-fit] { width: min(100%, var(--print-w)) !important;
    height: auto !important; aspect-ratio: var(--print-ratio); }
  .js-plotly-plot .svg-container[data-print-fit] > svg.main-svg { width: 100%; height: 100%; }
  .js-plotly-plot .modebar-container { display: none; }
  /* a table drawn on a canvas (st.dataframe): its drawing scaled to the width; a table that scrolls inside its box
     is left out, with a note (components.table): only the rows in view would print */
  [data-testid="stDataFrame"], [data-testid="stDataFrameResizable"] { max-width: 100% !important;
    height: auto !important; max-height: none !important; }
  [data-testid="stDataFrame"] :is(.stDataFrameGlideDataEditor, .stDataFrameGlideDataEditor div) {
    position: static !important; width: 100% !important; height: auto !important; }
  [data-testid="stDataFrame"] canvas { width: 100% !important; height: auto !important; contain: none !important; }
  [data-testid="stDataFrame"] canvas[data-testid="data-grid-canvas"] { position: static !important; }
  [data-testid="stDataFrame"] .dvn-scroller { display: none; }
}
/* print-only notes for tables (components.table) take no room on screen */
@media screen { [data-testid="stLayoutWrapper"]:has(> [class*="st-key-print-only-tabell"]) { display: none; } }
/* the page script's own element (PAGE_JS) takes no room */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
</style>
"""


CSS = CSS.replace("MAP_HEIGHT", str(maps.MAP_HEIGHT))

#: Streamlit's, plotly's and MapLibre's own words in the page's controls, in bokmål: labels read aloud by screen
#: readers and tooltips (attributes), and the text of their menus and messages. Exact matches only.
UI_ATTRIBUTES = {
    "Main menu": "Hovedmeny", "App pages": "Sidene", "Navigate to home page": "Til forsiden",
    "Link to heading": "Lenke til overskriften", "Open": "Åpne", "Close": "Lukk", "Clear value": "Tøm",
    "Clear all": "Tøm alt", "Selected values": "Valgte verdier", "Running...": "Arbeider …",
    "Stop script": "Stopp", "Notifications": "Varsler", "Fullscreen": "Fullskjerm",
    "Close fullscreen": "Lukk fullskjerm", "Toggle fullscreen": "Fullskjerm av/på",
    "Show/hide columns": "Vis eller skjul kolonner", "Download as CSV": "Last ned som CSV",
    "Download as PNG": "Last ned som PNG", "Search": "Søk", "Close Search": "Lukk søket",
    "Previous Result": "Forrige treff", "Next Result": "Neste treff", "Dataframe column menu": "Kolonnemeny",
    "Copy column name": "Kopier kolonnenavnet", "Scroll tabs left": "Bla fanene til venstre",
    "Scroll tabs right": "Bla fanene til høyre", "Markdown content": "Tekst",
    "Toggle attribution": "Vis eller skjul kildeangivelsen", "Zoom In": "Zoom inn", "Zoom Out": "Zoom ut",
    "Expand sidebar": "Vis sidepanelet", "Map": "Kart", "Collapse sidebar": "Skjul sidepanelet", "Help": "Hjelp",
    "Choose an option": "Velg …", "Logo": "Frivillighetsstatistikk",
}
UI_PREFIXES = {"Fullscreen: ": "Fullskjerm: ", "Help for ": "Hjelp: "}
UI_TEXTS = {
    "Skip to main content": "Gå til hovedinnholdet", "No results": "Ingen treff", "Running...": "Arbeider …",
    "Stop": "Stopp", "Print": "Skriv ut", "About": "Om", "Settings": "Innstillinger", "Rerun": "Last inn på nytt",
    "Clear cache": "Tøm hurtigbufferen", "Record a screencast": "Ta opp skjermen", "Record screen": "Ta opp skjermen", "Sort ascending": "Sorter stigende",
    "Sort descending": "Sorter synkende", "Autosize": "Tilpass bredden", "Pin column": "Fest kolonnen",
    "Unpin column": "Løsne kolonnen", "Hide column": "Skjul kolonnen", "Type to search": "Skriv for å søke",
    "Select all": "Velg alle", "Clear selection": "Fjern valget", "Copy to clipboard": "Kopier",
    "Connecting": "Kobler til", "Please wait...": "Vent litt …",
}
#: plotly's tooltips for its chart buttons (the config's "locales"; PLOTLY_CONFIG's locale is "no")
PLOTLY_DICTIONARY = {
    "Download plot as a PNG": "Last ned figuren som PNG-bilde", "Download plot as a png": "Last ned figuren som PNG-bilde",
    "Download plot": "Last ned figuren", "Zoom": "Forstørr et utsnitt", "Pan": "Flytt", "Zoom in": "Zoom inn",
    "Zoom out": "Zoom ut", "Autoscale": "Tilpass aksene", "Reset axes": "Tilbakestill aksene",
    "Reset view": "Tilbakestill visningen", "Toggle Spike Lines": "Vis eller skjul hjelpelinjer",
    "Show closest data on hover": "Vis nærmeste verdi ved pekeren",
    "Compare data on hover": "Sammenlign verdiene ved pekeren",
    "Double-click to zoom back out": "Dobbeltklikk for å zoome ut igjen",
    "Double-click on legend to isolate one trace": "Dobbeltklikk på en forklaring for å vise bare den",
}

# Constant script (no data). (1) While the page prints, each plotly chart's svg layers get a viewBox of their drawn
# size, so the print stylesheet can scale the chart down to the page width (Chrome lays the page out for print right
# after "beforeprint", without redrawing the charts); "afterprint" restores them, as plotly redraws at screen size.
# (2) The page says it is in bokmål (<html lang>, for screen readers and hyphenation), and the controls' own words
# are put in bokmål as they appear (once per frame, only where an English word from the lists above is found).
_PRINT_FIT = """
  addEventListener("beforeprint", () => {
    for (const box of document.querySelectorAll(".js-plotly-plot .svg-container:not([data-print-fit])")) {
      const layers = box.querySelectorAll(":scope > svg.main-svg");
      const w = Number(layers[0]?.getAttribute("width")), h = Number(layers[0]?.getAttribute("height"));
      if (!(w > 0 && h > 0)) continue;
      box.dataset.printFit = "";
      box.style.setProperty("--print-w", `${w}px`);
      box.style.setProperty("--print-ratio", `${w} / ${h}`);
      for (const svg of layers) {
        if (svg.hasAttribute("viewBox")) continue;
        svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
        svg.dataset.printFit = "";
      }
    }
  });
  addEventListener("afterprint", () => {
    for (const el of document.querySelectorAll(".js-plotly-plot [data-print-fit]")) {
      if (el.tagName === "DIV") {
        el.style.removeProperty("--print-w");
        el.style.removeProperty("--print-ratio");
      } else el.removeAttribute("viewBox");
      delete el.dataset.printFit;
    }
  });"""
_NORWEGIAN_UI = """
  const ATTRS = ATTRS_JSON, TEXTS = TEXTS_JSON, NAMES = ["aria-label", "title", "data-title", "placeholder", "alt"];
  // labels that start with Streamlit's words and end with the page's: the full-screen button of an image (and its
  // alt text), the help button of a widget (and its label)
  const PREFIXES = PREFIXES_JSON;
  const attrSel = [...NAMES.flatMap(n => Object.keys(ATTRS).map(k => `[${n}="${k}"]`)),
                   ...Object.keys(PREFIXES).map(p => `[aria-label^="${p}"]`)].join(",");
  // Streamlit's own chrome: where its words are text (menus, lists, the header), never the page's content
  const chrome = '[data-testid="stSkipToContent"], [data-testid="stHeader"], [data-testid="stStatusWidget"], ' +
    '[data-baseweb="popover"], [role="listbox"], [role="menu"], [role="dialog"], [data-testid="stMainMenuList"]';
  const fixText = root => {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const t = TEXTS[n.nodeValue.trim()];
      if (t !== undefined) n.nodeValue = n.nodeValue.replace(n.nodeValue.trim(), t);
    }
  };
  const icons = '[role="img"][aria-label$=" icon"][translate="no"]';
  const fixAttrs = el => {
    for (const n of NAMES) {
      const v = el.getAttribute(n);
      if (v === null) continue;
      if (ATTRS[v] !== undefined) { el.setAttribute(n, ATTRS[v]); continue; }
      if (n !== "aria-label") continue;
      for (const [p, q] of Object.entries(PREFIXES)) {
        if (v.startsWith(p)) { el.setAttribute(n, q + v.slice(p.length)); break; }
      }
    }
  };
  // a Material icon in markdown is read as "print icon": it only decorates the words after it
  const fixIcon = el => {
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
    el.setAttribute("aria-hidden", "true");
  };
  // only what was added or changed since the last frame is looked at (not the whole page, nor a chart's drawing)
  const pending = new Set();
  let queued = false;
  const fix = () => {
    queued = false;
    if (document.documentElement.lang !== "nb") document.documentElement.lang = "nb";
    const roots = [...pending];
    pending.clear();
    for (const root of roots) {
      if (!root.isConnected || root.closest(".main-svg, canvas")) continue;
      if (root.matches(attrSel)) fixAttrs(root);
      for (const el of root.querySelectorAll(attrSel)) fixAttrs(el);
      if (root.matches(icons)) fixIcon(root);
      for (const el of root.querySelectorAll(icons)) fixIcon(el);
      const box = root.closest(chrome);
      if (box) fixText(root);
      else for (const el of root.querySelectorAll(chrome)) fixText(el);
    }
  };
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === "childList") {
        for (const n of m.addedNodes) pending.add(n.nodeType === 1 ? n : n.parentElement);
      } else pending.add(m.type === "attributes" ? m.target : m.target.parentElement);
    }
    pending.delete(null);
    if (pending.size && !queued) { queued = true; requestAnimationFrame(fix); }
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true,
                                        attributeFilter: NAMES});
  pending.add(document.documentElement);
  fix();"""
_WIDE_TABLES = """
  // a table wider than its box says so above it (the phone's hint, components.table), on any screen: the hint's
  // wrapper is marked data-wide while the table after it scrolls sideways (checked as tables load and resize)
  const markWide = () => {
    for (const hint of document.querySelectorAll('[class*="st-key-phone-only-sveip-"]')) {
      const wrap = hint.parentElement;
      let next = wrap && wrap.nextElementSibling, scroller = null;
      for (let i = 0; next && 2 > i && !scroller; i++, next = next.nextElementSibling)
        scroller = next.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
      const wide = !!scroller && scroller.scrollWidth > scroller.clientWidth + 2;
      if (wide !== wrap.hasAttribute("data-wide")) wide ? wrap.setAttribute("data-wide", "") : wrap.removeAttribute("data-wide");
    }
  };
  setInterval(markWide, 500);"""
PAGE_JS = ("<script>\n(() => {\n  if (window.__frivilligPage) return;\n  window.__frivilligPage = true;"
           + _PRINT_FIT + _WIDE_TABLES + _NORWEGIAN_UI.replace("ATTRS_JSON", json.dumps(UI_ATTRIBUTES, ensure_ascii=False))
           .replace("TEXTS_JSON", json.dumps(UI_TEXTS, ensure_ascii=False))
           .replace("PREFIXES_JSON", json.dumps(UI_PREFIXES, ensure_ascii=False)) + "\n})();\n</script>")


#: The profile's "Skriv ut" button (pages/kommuneprofil.py, key profil_skriv_ut) opens the browser's print dialog,
#: also on a tablet or phone where there is no Ctrl + P. Constant script, no data; caught before Streamlit's own
#: click handler, so the click does not rerun the page. (No "less than" sign in it: the sanitiser would drop it.)
PRINT_JS = """<script>
(() => {
  if (window.__frivilligPrintButton) return;
  window.__frivilligPrintButton = true;
  addEventListener("click", event => {
    const button = event.target.closest && event.target.closest(".st-key-profil_skriv_ut button");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    window.print();
  }, true);
})();
</script>"""


def apply() -> None:
    """Inject the stylesheet once per run, as markdown: st.html is loaded as a separate script and would be
    applied only once every chart's script has loaded (a flash of unstyled cards)."""
    st.markdown(CSS, unsafe_allow_html=True)
    st.html(PAGE_JS, unsafe_allow_javascript=True)
