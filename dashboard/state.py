"""The selection (kommune, aar, indikator, nivaa) in the URL query string, kept across pages and reloads.

The URL is the source of truth, so links can be shared. Streamlit clears the query string when the user moves
to another page; the last selection is therefore also kept in the session and written back to the URL when a
page opens without it. Values are validated by the page against known values; an invalid one gives a friendly
message and is removed from this page's URL, but stays in the session for the other pages, where it may be
valid (`aar=2022` is a grant year but not a survey round).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import streamlit as st

PARAMS = ("kommune", "aar", "indikator", "nivaa")
NIVAAER = {"kommune": "Kommuner", "fylke": "Fylker"}
_SESSION = "_sel_"
_DROPPED = "_sel_dropped"  # parameter → the page that found its value invalid
_PAGE = "_sel_page"
_IMPLICIT = "_sel_implicit"  # parameter → the page's default value, written to the URL but not chosen
_LOOSE = "_sel_loose"  # (parameter, exact label) of a loosely written link, set on the run after
_RESTORED = "_sel_restored"  # the parameters this run took from the session, not from the link opened
#: What an empty selectbox says while the reader types in it (Streamlit's own is "Choose an option").
PLACEHOLDER = "Skriv for å søke …"
#: The selection each page uses (by url_path; "" is Oversikt): only these are put back into its URL, so a shared
#: link carries no other page's choices. A page not listed gets them all.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "": (), "kart": ("kommune", "aar", "indikator", "nivaa"), "frivillighetspolitikk": ("kommune", "aar"),
    "tilskudd": ("kommune", "aar", "indikator"), "kommuneprofil": ("kommune",), "om_dataene": (),
}


def restore(page: str = "") -> None:
    """Put the session's last selection back into the URL where the URL lacks it (after a page switch), for the
    parameters the page uses (PAGE_PARAMS).

    A value the current page has dropped as invalid is not put back on that page."""
    st.session_state[_PAGE] = page
    dropped = st.session_state.setdefault(_DROPPED, {})
    used = PAGE_PARAMS.get(page, PARAMS)
    restored = st.session_state[_RESTORED] = []
    for name in PARAMS:
        url_value = st.query_params.get(name)
        saved = st.session_state.get(_SESSION + name)
        if url_value is None and saved is not None and dropped.get(name) != page:
            if name in used:
                st.query_params[name] = saved
                restored.append(name)
        elif url_value is not None and st.session_state.get(_IMPLICIT, {}).get(name) != url_value:
            st.session_state[_SESSION + name] = url_value
            if url_value != saved:
                dropped.pop(name, None)


def get(name: str) -> str | None:
    """The raw value of a parameter from the URL (None when absent or empty)."""
    value = st.query_params.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def set(name: str, value: str | int | None) -> None:
    """Write a parameter to the URL and the session; None removes it."""
    st.session_state.setdefault(_DROPPED, {}).pop(name, None)
    st.session_state.setdefault(_IMPLICIT, {}).pop(name, None)
    if value is None or value == "":
        st.query_params.pop(name, None)
        st.session_state.pop(_SESSION + name, None)
    else:
        st.query_params[name] = str(value)
        st.session_state[_SESSION + name] = str(value)


def link_params() -> dict[str, str]:
    """The current selection as query parameters for links to other pages."""
    return {n: v for n in PARAMS if (v := get(n)) is not None}


def choose(name: str, options: Sequence[str], default: str | None, *, label: str,
           format_func: Callable[[str], str] = str, help: str | None = None, container=st,
           placeholder: str | None = None) -> str | None:
    """A selectbox bound to a URL parameter: starts from the URL (if valid), writes changes back to it.

    With a placeholder and no default, an absent or invalid URL value leaves the box empty (returns None).
    A default shown is written to the URL too, so a shared link keeps its year after the next data update; it is
    not carried to other pages as a choice (there the page's own default applies).
    """
    options = list(options)
    current = get(name)
    if current not in options:
        if default is None and placeholder is not None:
            current = None
        else:
            current = default if default in options else (options[0] if options else None)
        if current and get(name) is None:
            st.query_params[name] = current
            st.session_state.setdefault(_IMPLICIT, {})[name] = current
    key = f"w_{name}"
    st.session_state[key] = current

    def _changed() -> None:
        set(name, st.session_state[key])

    return container.selectbox(label, options, key=key, format_func=format_func, help=help, on_change=_changed,
                               placeholder=placeholder or PLACEHOLDER)


def drop_invalid(name: str, message: str) -> None:
    """Show a friendly message about an invalid URL value and remove it from this page's URL (not the session).

    A default the page wrote itself (the latest year of the indicator shown before) is dropped without a message:
    the reader did not choose it; so is a value carried from another page (a grant year is not a survey round):
    the reader did not choose it here."""
    implicit = st.session_state.setdefault(_IMPLICIT, {})
    if implicit.get(name) is not None and implicit.get(name) == st.query_params.get(name):
        st.query_params.pop(name, None)
        implicit.pop(name, None)
        return
    if name not in st.session_state.get(_RESTORED, ()):
        st.info(message, icon=":material/info:")
    st.query_params.pop(name, None)
    st.session_state.setdefault(_DROPPED, {})[name] = st.session_state.get(_PAGE, "")


def loose(text: str) -> str:
    """A label as someone might type it into a link: case, spaces, '-', '_', '+' and æ/ø/å do not matter."""
    text = text.casefold().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"}))
    return re.sub(r"[^a-z0-9]+", "", text)


def match_loosely(key: str, labels: Sequence[str]) -> None:
    """A link whose parameter `key` names one of `labels` loosely (?visning=kart-og-kommuner for «Kart og
    kommuner»): open that one in the widget bound to the URL, with its exact label in the link.

    Streamlit drops a bound widget's URL value it does not know, also when the script corrects it first; so the
    loose value is removed and the script run again, and the exact label set before the widget is made."""
    pending = st.session_state.pop(_LOOSE, None)
    if pending is not None and pending[0] == key:
        st.session_state[key] = pending[1]
        st.query_params[key] = pending[1]
        return
    value = get(key)
    if value is None or value in labels:
        return
    match = [label for label in labels if loose(label) == loose(value)]
    if len(match) == 1:
        st.query_params.pop(key, None)
        st.session_state[_LOOSE] = (key, match[0])
        st.rerun()


def follow_renamed(old: str, key: str, values: dict[str, str]) -> None:
    """A link with a parameter renamed since (`old`, e.g. ?fordeling=): open what it meant in the widget `key`
    bound to the URL (tabs), and remove the old parameter. Values not in `values` are dropped silently."""
    value = get(old)
    if value is None:
        return
    st.query_params.pop(old, None)
    if value in values:
        st.session_state[key] = values[value]
        st.query_params[key] = values[value]  # the session alone opens the tab but leaves it out of the link
