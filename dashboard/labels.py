"""Norwegian labels for view columns (table headers, download headers, axis titles)."""

from __future__ import annotations

#: The app's name: the browser title of the front page, and last in every other page's title.
APP_TITLE = "Frivillighetsstatistikk"

LABELS: dict[str, str] = {
    "lignende_kommuner": "Lignende kommuner",
    "status_landstall": "Status for landstallet (utbetalt)",
    "lignende_kommuner_tall": "Lignende kommuner: tallet er",
    "nivaa": "Nivå",
    "kolonne": "Kolonne i databasen",
    "overskrift": "Overskrift i CSV-filen",
    "kode": "Kode",
    "navn": "Navn",
    "aar": "År",
    "runde": "Runde",
    "kommunenummer": "Kommunenummer",
    "kommunenavn": "Kommune",
    "poststed": "Poststed",
    "fylkesnummer": "Fylkesnummer",
    "fylkesnavn": "Fylke",
    "storrelsesgruppe": "Størrelsesgruppe",
    "storrelsesgruppe_kode": "Størrelsesgruppe (nummer)",
    "origin": "Hentet fra",
    "mirrors": "Står i stedet for",
    "folketall": "Folketall",
    "folketall_2024": "Folketall 1.1.2024",
    "lon": "Lengdegrad (et punkt inne i området)",
    "lat": "Breddegrad (et punkt inne i området)",
    "min_lon": "Lengdegrad vest",
    "max_lon": "Lengdegrad øst",
    "min_lat": "Breddegrad sør",
    "max_lat": "Breddegrad nord",
    "folketall_aar": "Folketall per 1. januar (år)",
    "antall": "Antall",
    "nye": "Nye registreringer",
    "per_1000": "Per 1 000 innbyggere",
    "frivilligsentraler": "Frivilligsentraler",
    "grasrot_deltar": "Deltar i grasrotandelen",
    "grasrot_andel": "Andel i grasrotandelen",
    "orgnr": "Organisasjonsnummer",
    "organisasjonsform": "Organisasjonsform",
    "icnpo_primaer": "ICNPO-kategori",
    "icnpo_gruppe": "ICNPO-gruppe",
    "gruppenavn": "Kategorigruppe",
    "belop": "Beløp (kr)",
    "givere": "Antall givere",
    "mottakere": "Mottakere",
    "kr_per_innbygger": "Kr per innbygger",
    "utbetalt": "Utbetalt (kr)",
    "sokt": "Søkt (kr)",
    "ordning": "Ordning",
    "beregningsmodell": "Beregningsmodell",
    "status": "Status",
    # the national totals (tilskudd.totals_table): published figures beside the sums of the recipient lists
    "status_utbetalt": "Status, utbetalt",
    "publisert_utbetalt": "Publisert landstall",
    "anslag_ikke_publisert": "Anslag (ikke publisert)",
    "utbetalt_ifølge_filene": "Summen av mottakerlistene",
    "differanse": "Differanse",
    "status_søkt": "Status, søkt",
    "publisert_søkt": "Publisert søkt beløp",
    "søkt_ifølge_filene": "Søkt ifølge mottakerlistene",
    "mottakere_i_filene": "Mottakere i listene",
    "søkere_i_listene": "Søkere i listene",
    "publisert_organisasjoner": "Organisasjoner som fikk del (publisert)",
    "filene_stemmer": "Listene stemmer med publisert landstall",
    # momskompensasjon: the lists count applicants (sentralledd apply for their local branches), not organisations
    "søkere_utbetalt": "Søkere som fikk utbetalt",
    "søkere_i_oslo": "Søkere i Oslo",
    "andel": "Andel",
    "andel_ja_alle": "Andel med politikk (av alle kommuner)",
    "andel_ja_svarte": "Andel med politikk (av dem som svarte)",
    "svarprosent": "Svarprosent",
    "antall_kommuner": "Antall kommuner",
    "vekt": "Vekt",
    "source_id": "Kilde-id",
    "title": "Tittel",
    "producer": "Produsent",
    "licence": "Lisens",
    "retrieved": "Hentet",
    "sha256": "Sjekksum (SHA-256)",
    "rows": "Rader",
    "kind": "Type",
    "file": "Fil",
    "url": "Adresse",
    "organisasjoner": "Organisasjoner",
    "organisasjoner_aar": "Organisasjoner: år",
    "politikk_runde": "Frivillighetspolitikk: runde",
    "grasrot_aar": "Grasrotandel: år",
    "kommuner_med_politikk": "Kommuner med politikk",
    "andel_politikk": "Andel kommuner med politikk",
    "grasrot_kr_per_innbygger": "Grasrotandel, kr per innbygger",
    "andel_oslo": "Andel til mottakere i Oslo",
    "andel_registrerte_mottar": "Andel registrerte som mottar",
    "kilde_type": "Kildetype",
    "kilde": "Kilde",
    "merknad": "Merknad",
    "per": "Tidspunkt",
    "vedtaksaar": "Vedtatt år",
    "verdi": "Verdi",
    "avvik": "Avvik",
    "behandling": "Behandling",
}


def label(column: str) -> str:
    """The Norwegian header for a column name (the column name itself, tidied, when unknown)."""
    return LABELS.get(column, column.replace("_", " ").capitalize())


#: English phrases in source metadata and citations (licences in the mirror's manifest, the published-figures
#: files), in Norwegian for the page. Longest first: a phrase is replaced before any phrase inside it.
NORSK: tuple[tuple[str, str], ...] = (
    ("synthetic data (no third-party records); formats follow the public sources",
     "syntetiske data (ingen opplysninger om virkelige organisasjoner eller personer); formatet følger de "
     "offentlige kildene"),
    ("facts where status is 'publisert'; calibration values otherwise",
     "fakta der status er «publisert», ellers anslag som ikke er publisert"),
    ("facts quoted from the cited publications", "fakta gjengitt fra publikasjonene det vises til"),
    ("facts; SSB data under NLOD 2.0", "fakta; SSB-data under NLOD 2.0"),
    ("names; no licence stated, SSB KLASS origin", "navn; ingen lisens oppgitt, opprinnelig fra SSB KLASS"),
    ("Frivillighetsregisteret field names", "feltnavn fra Frivillighetsregisteret"),
    ("Brreg field names (Brreg data:", "feltnavn fra Brreg (Brreg-data:"),
    ("reconstructed code list", "rekonstruert kodeliste"),
    ("extracted via", "hentet ut via"),
    ("derived via", "avledet via"),
    (" (MIT) and ", " (MIT) og "),
    # notes on the published policy figures (frivillighetspolitikk_publisert.csv)
    ("share as published (64/422 = 15.2%)",
     "andelen slik den ble publisert; 64 av 422 er 15,2\u00a0%"),
    ("55% of the population lives in a kommune with a policy",
     "55\u00a0% av befolkningen bor i en kommune med politikk"),
    ("+34 kommuner in process (~7%)", "34 kommuner til var i gang (om lag 7\u00a0%)"),
    ("38 'helhetlig' policies", "38 «helhetlige» planer"),
    ("registry count not published; 0.225 x 356 = 80", "antallet ble ikke publisert; 0,225 × 356 = 80"),
    ("107 = sum of the per-fylke list", "107 er summen av listen per fylke"),
    ("article path not recorded", "artikkelens adresse er ikke notert"),
    ("count not published", "antallet ble ikke publisert"),
    ("date approximate", "datoen er omtrentlig"),
    ("'two in ten'", "«to av ti»"),
    ("'one in three'", "«én av tre»"),
    ("Frivillighet Norge press release July 2024", "Frivillighet Norges pressemelding juli 2024"),
    ("Frivillighet Norge press release", "pressemelding fra Frivillighet Norge"),
    ("press release", "pressemelding"),
    ("undated, c.", "udatert, ca."),
    ("first national map", "første landsoversikt"),
)

#: How a file's data were made (the `kind` of a source file).
KINDS = {"real": "ekte", "synthetic": "syntetisk", "mixed": "blandet"}

#: What the ETL did to a row (`_avvik.code`), in words.
DEVIATIONS = {
    "missing_value": "Manglende verdi i kilden",
    "unknown_field": "Ukjent felt",
    "total_row": "Sumrad",
    "old_municipality_code": "Gammelt kommunenummer",
    "split_municipality_code": "Kommunenummer for en delt kommune",
    "invalid_date": "Ugyldig dato",
    "duplicate_orgnr": "Organisasjonsnummer oppgitt flere ganger",
    "duplicate": "Dublett",
    "unmapped_column": "Kolonne som ikke brukes",
    "unknown_municipality": "Ukjent kommunenummer",
    "invalid_municipality": "Ugyldig kommunenummer",
    "no_municipality": "Mangler kommune",
    "status": "Ukjent status",
    "not_in_enhetsregisteret": "Finnes ikke i Enhetsregisteret",
    "no_primary_icnpo": "Mangler hovedkategori",
    "missing_icnpo": "Mangler kategori",
    "invalid_icnpo": "Ugyldig kategori",
    "invalid_orgnr": "Ugyldig organisasjonsnummer",
    "frivillig_flag_mismatch": "Frivillig-merket stemmer ikke med registeret",
    "leading_zero": "Manglende null foran nummeret",
    "encoding": "Feil tegnkoding",
    "blank_answer": "Tomt svar",
    "checksum_mismatch": "Filen er ikke den manifestet beskriver (annen sjekksum)",
    "even_split": "Delt kommune med likt fordelt folketall, fordelt etter vekt",
}


def norsk(text: str | None) -> str | None:
    """Source metadata and citations with their known English phrases in Norwegian (other text unchanged)."""
    if not text:
        return text
    for english, norwegian in NORSK:
        text = text.replace(english, norwegian)
    return text


#: What each public view holds, in words, for the download list on Om dataene (the view name follows in brackets).
VIEW_TITLES = {
    "befolkning": "Folketall per år for landet, fylkene og kommunene",
    "frivillighetspolitikk": "Frivillighetspolitikk per kommune og runde (dagens kommuner)",
    "frivillighetspolitikk_andel": "Frivillighetspolitikk: antall og andel per fylke og størrelsesgruppe",
    "frivillighetspolitikk_fylke_sammenligning": "Frivillighet Norges fylketabell 2024 mot kommuneundersøkelsen",
    "frivillighetspolitikk_runde": "Kommuneundersøkelsen: svarene slik kommunene var i rundens år",
    "frivillighetspolitikk_runde_andel": "Kommuneundersøkelsen: landstall per runde",
    "frivillighetspolitikk_tidsserie": "Andel kommuner med frivillighetspolitikk over tid (undersøkelse og publisert)",
    "frivillighetspolitikk_tiltak": "Tiltak (koordinator, råd, plattform, lokaler, tilskudd) etter politikk",
    "fylke": "Fylkene (2024) med antall kommuner og folketall",
    "grasrot_icnpo": "Grasrotandelen per kategori (ICNPO), sted og år",
    "grasrot_indikator": "Grasrotandelen per sted og år, med kroner per innbygger",
    "grasrotandel": "Grasrotandelen per mottaker og år",
    "icnpo_kategori": "Kategoriene for frivillige organisasjoner (ICNPO)",
    "indikator_definisjon": "Tallene på kartet: navn, enhet og beskrivelse",
    "indikator_verdi": "Tallene på kartet per sted og år",
    "kommune": "Kommunene (2024) med fylke, folketall og størrelsesgruppe",
    "kommune_historikk": "Tidligere kommunenummer og -navn og hvor de ligger i dag",
    "kommunekode_mapping": "Kommunenummer per år omregnet til dagens kommuner (med vekter)",
    "moms_icnpo": "Momskompensasjon per kategori (ICNPO), sted og år",
    "moms_indikator": "Momskompensasjon per sted og år, med kroner per innbygger",
    "momskompensasjon": "Momskompensasjon per mottaker og år",
    "nokkeltall": "Nøkkeltallene på forsiden",
    "nokkeltall_endring": "Nøkkeltallene på forsiden og endringen siden forrige oppdatering",
    "organisasjon": "Frivillige organisasjoner i registrene",
    "organisasjon_kategori": "Organisasjonenes kategorier (ICNPO)",
    "organisasjoner_icnpo": "Registrerte organisasjoner per kategori, sted og år",
    "organisasjoner_indikator": "Registrerte organisasjoner per sted og år, med antall per 1\u00a0000 innbyggere",
    "publisert_frivillighetspolitikk": "Frivillighet Norges publiserte tall for hele landet",
    "publisert_frivillighetspolitikk_fylke": "Frivillighet Norges publiserte tall per fylke",
    "storrelsesgruppe": "Størrelsesgruppene etter folketall",
    "tilskudd_tekst": "Forklaringer til tilskuddstallene",
    "tilskudd_totaler": "Tilskudd: landstall publisert og beregnet",
}


def view_title(name: str) -> str:
    """'Kommunene (2024) med fylke, folketall og størrelsesgruppe (kommune)'; an unknown view: its name."""
    return f"{VIEW_TITLES[name]} ({name})" if name in VIEW_TITLES else name
