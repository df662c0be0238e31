"""Norwegian labels for view columns (table headers, download headers, axis titles)."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "nivaa": "Nivå",
    "kode": "Kode",
    "navn": "Navn",
    "aar": "År",
    "runde": "Runde",
    "kommunenummer": "Kommunenummer",
    "kommunenavn": "Kommune",
    "fylkesnummer": "Fylkesnummer",
    "fylkesnavn": "Fylke",
    "storrelsesgruppe": "Størrelsesgruppe",
    "folketall": "Folketall",
    "folketall_2024": "Folketall 1.1.2024",
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
    "status": "Status",
    "andel": "Andel",
    "andel_ja_alle": "Andel med politikk (av alle kommuner)",
    "andel_ja_svarte": "Andel med politikk (av de som svarte)",
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
}


def label(column: str) -> str:
    """The Norwegian header for a column name (the column name itself, tidied, when unknown)."""
    return LABELS.get(column, column.replace("_", " ").capitalize())
