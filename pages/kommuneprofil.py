"""Kommuneprofil: one municipality against its county, the country and similar municipalities; prints on one A4.
Its charts are static drawings with their values written on them: the same on screen, on a tablet and on paper."""

import streamlit as st

from dashboard import boot, components, embed, figures_profil, profil, state, style

boot.guard()


def _source(*source_ids: str) -> None:
    """A figure's source line on screen; the printed profile lists every source once, at the end."""
    with st.container(key="no-print-kilde-" + "-".join(source_ids)):
        components.source_line(*source_ids)


known = profil.known_municipalities()
asked = state.get("kommune")
resolved = profil.resolve(asked, known)
if resolved.code is not None and resolved.code != asked:
    # an old number or a name in the link: today's number goes in the URL, the note stays for this municipality
    st.session_state["_profil_funnet"] = resolved
    state.set("kommune", resolved.code)
elif resolved.message:
    state.set("kommune", None)


def _search() -> None:
    """Search box callback: go to the best match, remember the note and the other matches."""
    res = profil.search(st.session_state.get("profil_sok") or "", known)
    st.session_state["_profil_funnet"] = res
    if res.code is not None:
        state.set("kommune", res.code)


with st.container(key="profil"):
    head = st.container(key="profil-hode")
    with st.container(key="no-print-velg"):
        c1, c2 = st.columns(2, gap="medium")
        code = state.choose("kommune", list(known), None, label="Kommune", format_func=profil.option_label(known),
                            placeholder="Velg kommune …", container=c1,
                            help="Skriv navnet eller nummeret for å finne kommunen i lista.")
        c2.text_input("Søk på navn eller nummer – også gamle kommuner", key="profil_sok", on_change=_search,
                      placeholder="For eksempel Haram eller 1534",
                      help="Finner også gamle kommunenavn og -nummer og viser kommunen de hører til i dag.")

        if resolved.message:
            st.info(resolved.message, icon=":material/info:")
        found = st.session_state.get("_profil_funnet")
        if found is not None and found.code != code:  # shown once for a failed search, then forgotten
            del st.session_state["_profil_funnet"]
        if found is not None and found.message and found.code is None:
            st.info(found.message, icon=":material/search_off:")
        elif found is not None and found.code == code:
            if found.note:
                st.info(found.note, icon=":material/history:")
            if found.alternatives:
                st.markdown("Andre kommuner som passer:")
                for alt_code, alt_name in found.alternatives:
                    st.page_link("pages/kommuneprofil.py", label=f"{alt_name} ({alt_code})",
                                 icon=":material/arrow_forward:", query_params={"kommune": alt_code})

    if code is None:
        st.set_page_config(page_title=profil.page_title(None))
        with head:
            st.title("Kommuneprofil")
            st.markdown("Velg en kommune for å se nøkkeltall, frivillighetspolitikk, organisasjoner og grasrotandel, "
                        "sammenlignet med fylket, landet og kommuner av samme størrelse. Du kan søke på dagens og "
                        "tidligere kommunenavn og -nummer.")
    else:
        p = profil.load(code)
        st.set_page_config(page_title=profil.page_title(p.name))  # tabs, bookmarks and the printed PDF's name
        with head:
            st.title(p.full_name)
            st.caption(profil.subtitle(p))
            url = profil.page_url(embed.public_base(), profil.PAGE_PATH, {"kommune": p.code})
            with st.container(key="print-only-lenke", horizontal=True, vertical_alignment="center"):
                st.image(profil.qr_svg(url), width=84, alt=f"QR-kode med lenke til kommuneprofilen for {p.name}")
                st.markdown(f"**Oppdaterte tall:** {url}  \nFrivillighetsstatistikk, utskrift {profil.fmt_date_today()}")
        history = profil.history_note(p)
        if history:
            with head:
                st.caption(f":material/history: **Kommunesammenslåinger og delinger:** {profil.md_escape(history)}")
        # (the print stylesheet lays out every row of the profile: the key is on a container of its own)
        with st.container(key="no-print-hint"), st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.button("Skriv ut", key="profil_skriv_ut", icon=":material/print:", type="secondary",
                      help="Åpner utskriften: profilen får plass på ett A4-ark.")
            st.caption(profil.PRINT_HINT)
        st.html(style.PRINT_JS, unsafe_allow_javascript=True)  # the button opens the browser's print dialog

        st.header("Kort fortalt", divider="gray")
        st.markdown("\n".join(f"- {s}" for s in profil.sentences(p)))

        st.header("Nøkkeltall", divider="gray")
        left, right = st.columns([3, 2], gap="medium")
        with left:
            display, data = profil.key_table(p)
            components.table(display, static=True)
            small = profil.small_numbers_note(p)
            if small:
                st.caption(f":material/info: {small}")
            st.caption(profil.similar_note(p))
            _source("frivillighetsregisteret", "grasrotandel", "kommuneundersokelse", "befolkning")
            components.downloads(data, f"Nøkkeltall {p.name}", "frivillighetsregisteret", "grasrotandel",
                                 "kommuneundersokelse", "befolkning", key="nokkeltall")
        with right:
            with st.container(key="profil-kart"):
                st.markdown(components.svg_markdown(profil.locator_svg(p), profil.locator_alt(p)))
            st.caption(profil.locator_caption(p))
            _source("grenser")
        with st.container(key="no-print-sammenligning"):  # the key table above prints the same numbers
            components.figure(
                None, data, title=profil.comparison_title(p),
                summary=figures_profil.describe_key(p.key, kommune=p.name, county=not p.own_county),
                sources=("frivillighetsregisteret", "grasrotandel", "befolkning"), key="sammenligning", level=3,
                svg=figures_profil.key_comparison_svg(p.key, kommune=p.name, fylke=p.county))

        st.header("Frivillighetspolitikk og endringer", divider="gray")
        left, right = st.columns(2, gap="medium")
        with left:
            st.subheader("Hva har endret seg")
            st.markdown("\n".join(f"- {s}" for s in profil.changes(p)) or "Ingen tidligere tall å sammenligne med.")
            st.subheader("Frivilligsentraler")
            shown, rest = profil.centres_markdown(p, limit=5)
            st.markdown(shown)
            same_name = profil.centres_note(p)
            if same_name:
                st.caption(same_name)
            if rest:
                st.caption(f"… og {rest} til.")
                with st.expander(f"Vis alle {p.centres.height} frivilligsentralene"):
                    st.markdown(profil.centres_markdown(p)[0])
            _source("frivillighetsregisteret", "enhetsregisteret")
            components.downloads(p.centres, f"Frivilligsentraler {p.name}", "frivillighetsregisteret",
                                 "enhetsregisteret", key="sentraler")
        with right:
            st.subheader("Svar i kommuneundersøkelsen")
            components.table(profil.policy_table(p), static=True)
            note = profil.policy_note(p)
            if note:
                st.caption(note)
            _source("kommuneundersokelse")
            components.downloads(profil.policy_long(p), f"Frivillighetspolitikk {p.name}", "kommuneundersokelse",
                                 key="politikk")

        st.header("Organisasjoner og grasrotandel", divider="gray")
        left, right = st.columns(2, gap="medium")
        with left:
            components.figure(
                None, p.categories.select("gruppenavn", "antall", "andel", "andel_land"),
                title="Organisasjoner etter kategori", download_title=f"Organisasjoner etter kategori {p.name}",
                summary=figures_profil.describe_categories(p.categories, kommune=p.name),
                sources=("frivillighetsregisteret", "icnpo"), key="kategorier", level=3,
                formats={"andel": "pct", "andel_land": "pct"},
                svg=figures_profil.categories_svg(p.categories, kommune=p.name),
                svg_narrow=figures_profil.categories_svg(p.categories, kommune=p.name, narrow=True))
            split = profil.split_note(p)
            if split:  # on screen in the grasrot chart's source line, which the printed page leaves out; here it
                # fills the room beside the taller grasrot chart
                with st.container(key="print-only-delingsmerknad"):
                    st.caption(f"Grasrotandelen: {split}")
        with right:
            components.figure(
                None, p.grasrot.select("aar", "sted", "kr_per_innbygger", "belop", "mottakere", "andel_registrerte_mottar"),
                title="Grasrotandelen, kroner per innbygger",
                download_title=f"Grasrotandelen, kroner per innbygger, {p.name}",
                summary=figures_profil.describe_grasrot(p.grasrot, kommune=p.name),
                sources=("grasrotandel", "befolkning"), key="grasrot", level=3, note=profil.grasrot_note(p),
                formats={"andel_registrerte_mottar": "pct", "kr_per_innbygger": "num0"},
                svg=figures_profil.grasrot_svg(p.grasrot, kommune=p.name))

        with st.container(key="print-only-kilder"):  # every source once (on screen: under each figure)
            st.caption(profil.print_sources())
