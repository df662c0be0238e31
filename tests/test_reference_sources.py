"""Parsers of the reference sources: SSB population, KLASS changes, Kartverket boundaries, split weights."""

from __future__ import annotations

import gzip

import pytest

from etl.errors import SourceError
from etl.sources import befolkning, grenser, kommunedeling_vekter, kommuneendringer
from tests.conftest import fixture_bytes


def test_population_export_with_title_line_and_dot_for_missing():
    df = befolkning.validate(befolkning.parse(fixture_bytes("befolkning", "befolkning-small.csv"), "b.csv"), "b.csv")
    land = df.filter((df["nivaa"] == "land") & (df["aar"] == 2024))
    assert land["folketall"].to_list() == [110]
    assert df.filter(df["kode"] == "03")["nivaa"].unique().to_list() == ["fylke"]
    vindafjord = df.filter((df["kode"] == "1160") & (df["aar"] == 2023))
    assert vindafjord["folketall"].to_list() == [None], "'.' is SSB's symbol for not applicable, not zero"


def test_population_in_windows_1252_is_read_too():
    data = fixture_bytes("befolkning", "befolkning-small.csv").decode("utf-8").encode("cp1252")
    df = befolkning.parse(data, "b.csv")
    assert "år" not in df.columns and df.height == 8


@pytest.mark.parametrize("mutate, where", [
    (lambda t: t.replace('"år"', '"aar_feil"'), "column"),
    (lambda t: t.rsplit("\n", 2)[0] + '\n"0301 Oslo";"2025', "row"),
    (lambda t: t.replace('"0301 Oslo";"2024";65', '"0301 Oslo";"2024";"mange"'), "row 9"),
    (lambda t: "", "empty"),
])
def test_population_bad_input_names_the_file(mutate, where):
    text = fixture_bytes("befolkning", "befolkning-small.csv").decode("utf-8")
    with pytest.raises(SourceError) as err:
        befolkning.parse(mutate(text).encode("utf-8"), "reference/befolkning-07459.csv")
    assert "reference/befolkning-07459.csv" in str(err.value)
    assert where in str(err.value)


def test_population_without_country_row_is_refused():
    text = fixture_bytes("befolkning", "befolkning-small.csv").decode("utf-8")
    text = "\n".join(line for line in text.splitlines() if "Hele landet" not in line or "2023" in line)
    df = befolkning.parse(text.encode(), "b.csv")
    with pytest.raises(SourceError, match="no country row"):
        befolkning.validate(df, "b.csv")


def test_klass_changes_keep_leading_zeros_and_splits():
    df = kommuneendringer.validate(
        kommuneendringer.parse(fixture_bytes("kommuneendringer", "endringer-2024-small.csv"), "k.csv"), "k.csv")
    assert sorted(df.filter(df["gammel_kode"] == "1507")["ny_kode"].to_list()) == ["1508", "1580"]
    df20 = kommuneendringer.parse(fixture_bytes("kommuneendringer", "endringer-2020-small.csv"), "k.csv")
    assert "0101" in df20["gammel_kode"].to_list()


def test_klass_changes_with_renamed_column_fail_loudly():
    data = fixture_bytes("kommuneendringer", "endringer-2024-small.csv").replace(b'"newCode"', b'"nyKode"')
    with pytest.raises(SourceError, match="missing column") as err:
        kommuneendringer.parse(data, "reference/kommuneendringer-2024.csv")
    assert "kommuneendringer-2024.csv" in str(err.value)


def test_boundaries_accept_property_aliases_and_pad_codes():
    df = grenser.parse(fixture_bytes("grenser", "kommuner-small.geojson"), "g.geojson", code_digits=4)
    assert df["kode"].to_list() == ["0301", "0301"]
    assert df["lon"][0] == pytest.approx(10.75, abs=0.2)
    with pytest.raises(SourceError, match="duplicate code 0301"):
        grenser.validate(df, "g.geojson")


def test_truncated_geojson_names_the_file():
    data = fixture_bytes("grenser", "kommuner-small.geojson")[:200]
    with pytest.raises(SourceError, match="reference/kommuner-2024.geojson: not valid GeoJSON"):
        grenser.parse(data, "reference/kommuner-2024.geojson", code_digits=4)


def test_gzipped_bytes_are_not_taken_for_geojson():
    with pytest.raises(SourceError):
        grenser.parse(gzip.compress(b"{}"), "g.geojson", code_digits=4)


def test_split_weights_must_sum_to_one():
    ok = kommunedeling_vekter.parse(fixture_bytes("kommunedeling_vekter", "vekter-small.csv"), "v.csv")
    assert kommunedeling_vekter.validate(ok, "v.csv").height == 3
    bad = fixture_bytes("kommunedeling_vekter", "vekter-small.csv").replace(b'"0.1379"', b'"0.2"')
    with pytest.raises(SourceError, match="sum to 1.0621"):
        kommunedeling_vekter.validate(kommunedeling_vekter.parse(bad, "v.csv"), "v.csv")


def test_an_even_split_of_a_divided_municipality_is_resplit_by_its_weights():
    import polars as pl

    from etl.errors import BuildLog

    pop = pl.DataFrame({"nivaa": ["kommune"] * 6, "kode": ["1508", "1580", "1508", "1580", "1806", "1875"],
                        "navn": ["Ålesund", "Haram", "Ålesund", "Haram", "Narvik", "Hamarøy"],
                        "aar": [2023, 2023, 2024, 2024, 2019, 2019], "folketall": [33758, 33758, 58509, 9357, 21000, 2700],
                        "rad": [1, 2, 3, 4, 5, 6]})
    weights = pl.DataFrame({"kode": ["1507", "1507", "1850", "1850"], "gyldig_fra": [2020, 2020, 2018, 2018],
                            "gyldig_til": [2023, 2023, 2019, 2019], "kommunenummer_2024": ["1508", "1580", "1806", "1875"],
                            "vekt": [0.8621, 0.1379, 0.5, 0.5]})
    log = BuildLog()
    out = befolkning.resplit(pop, befolkning.even_splits(pop, weights), "befolkning.csv", log)
    got = {(r["kode"], r["aar"]): r["folketall"] for r in out.iter_rows(named=True)}
    assert got[("1508", 2023)] == round(67516 * 0.8621) and got[("1580", 2023)] == round(67516 * 0.1379)
    assert got[("1508", 2024)] == 58509, "the year after the division is SSB's own figure"
    assert got[("1806", 2019)] == 21000, "parts with different figures are counts, not an even split: kept"
    # the rows re-split say so, for a profile's note on the figures before the division
    fordelt = {(r["kode"], r["aar"]): r["fordelt_fra"] for r in out.iter_rows(named=True)}
    assert fordelt[("1580", 2023)] == "1507" and fordelt[("1580", 2024)] is None and fordelt[("1806", 2019)] is None
    assert [d.code for d in log.deviations] == ["even_split", "even_split"]
