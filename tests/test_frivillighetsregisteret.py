"""Frivillighetsregisteret and ICNPO: parsing the API records, cursor paging, and every bad-input case."""

from __future__ import annotations

import gzip
import json

import httpx
import polars as pl
import pytest
from registers_helpers import FIXTURES, fixture_json, mock_transport

from etl.errors import SourceError
from etl.sources import frivillighetsregisteret as frr
from etl.sources import icnpo

JSONL = FIXTURES / "frivillighetsregisteret" / "frivillige-organisasjoner.jsonl"


@pytest.fixture(scope="module")
def parsed() -> frr.Parsed:
    return frr.parse(gzip.compress(JSONL.read_bytes()), "frivillige-organisasjoner.jsonl.gz")


def org(parsed: frr.Parsed, orgnr: str) -> dict:
    return parsed.orgs.filter(pl.col("orgnr") == orgnr).row(0, named=True)


def issues(parsed: frr.Parsed, code: str) -> list[frr.Issue]:
    return [i for i in parsed.issues if i.code == code]


# ------------------------------------------------------------------------------------------ ICNPO

def test_icnpo_groups_are_the_leading_digits():
    df = icnpo.validate(icnpo.parse((FIXTURES / "icnpo" / "icnpo-kategorier.json").read_bytes(), "icnpo.json"),
                        "icnpo.json")
    groups = dict(df.select("icnpo_kode", "gruppe_kode").iter_rows())
    assert groups["1200"] == "1" and groups["8200"] == "8" and groups["10100"] == "10" and groups["13100"] == "13"
    assert set(df.filter(pl.col("er_gruppe"))["icnpo_kode"]) == {"1", "8", "10", "13"}


def test_icnpo_codes_lose_leading_zeros():
    assert icnpo.normalise_code("01100") == "1100"
    assert icnpo.normalise_code(1200) == "1200"
    assert icnpo.normalise_code("abc") is None


def test_icnpo_leaf_without_its_group_is_refused():
    doc = {"_embedded": {"icnpoKategorier": [{"icnpoNummer": "1", "navn": "Kultur og fritid"},
                                             {"icnpoNummer": "5100", "navn": "Natur- og miljøvern"}]}}
    data = json.dumps(doc).encode()
    with pytest.raises(SourceError, match="group 5"):
        icnpo.validate(icnpo.parse(data, "icnpo.json"), "icnpo.json")


def test_icnpo_list_in_the_mirror_has_14_groups_and_32_categories(mirror_dir):
    df = icnpo.validate(icnpo.parse((mirror_dir / "reference/icnpo-kategorier.json").read_bytes(), "x"), "x")
    assert df.filter(pl.col("er_gruppe")).height == 14
    assert df.filter(~pl.col("er_gruppe")).height == 32


# ------------------------------------------------------------------------------------------ parse

def test_primary_category_is_rekkefoelge_1_not_the_first_element(parsed):
    assert org(parsed, "910000071")["icnpo_primaer"] == "13100"  # listed second, rekkefoelge 1
    cats = parsed.kategorier.filter(pl.col("orgnr") == "910000071").sort("rekkefoelge")
    assert cats["icnpo_kode"].to_list() == ["13100", "1100"]


def test_without_rekkefoelge_1_the_lowest_becomes_primary_and_is_logged(parsed):
    assert org(parsed, "910000985")["icnpo_primaer"] == "7100"
    (issue,) = issues(parsed, "no_primary_icnpo")
    assert issue.action == "rettet" and issue.row == 10


def test_first_registration_date_is_foersteganginnfoert(parsed):
    n = org(parsed, "910000918")
    assert str(n["forste_gang_innfoert"]) == "2016-02-02" and str(n["innfoert_dato"]) == "2018-01-01"
    assert str(n["grasrot_utestengt_fra"]) == "2022-01-01"


def test_record_without_orgnr_is_rejected_with_its_line(parsed):
    (issue,) = issues(parsed, "missing_orgnr")
    assert issue.action == "avvist" and issue.row == 12
    assert parsed.orgs["orgnr"].null_count() == 0


def test_duplicate_orgnr_keeps_the_last_line(parsed):
    assert parsed.orgs.filter(pl.col("orgnr") == "910000004").height == 1
    assert org(parsed, "910000004")["grasrot_deltar"] is False  # the last line says false
    (issue,) = issues(parsed, "duplicate")
    assert issue.row == 1 and issue.action == "avvist"


def test_unknown_extra_field_is_ignored_and_logged(parsed):
    (issue,) = issues(parsed, "unknown_field")
    assert issue.column == "kontaktperson" and issue.row == 7 and issue.action == "ignorert"
    assert org(parsed, "910000772")["icnpo_primaer"] == "1300"


def test_blank_lines_are_skipped_and_every_valid_record_kept(parsed):
    assert parsed.orgs.height == 10


def test_invalid_json_line_names_the_line():
    data = JSONL.read_bytes().replace(b'"frivilligOrganisasjonsstatus":"AKTIV"', b'"frivilligOrganisasjonsstatus":AKTIV', 1)
    with pytest.raises(SourceError, match="row 1") as exc:
        frr.parse(data, "frivillige.jsonl")
    assert "not valid JSON" in str(exc.value)


def test_truncated_gzip_is_a_clear_error():
    data = gzip.compress(JSONL.read_bytes())
    with pytest.raises(SourceError, match="truncated") as exc:
        frr.parse(data[: len(data) // 2], "brreg/frivillige-organisasjoner.jsonl.gz")
    assert "brreg/frivillige-organisasjoner.jsonl.gz" in str(exc.value)


def test_invalid_date_is_emptied_and_logged():
    line = json.loads(JSONL.read_text(encoding="utf-8").splitlines()[0])
    line["foersteGangInnfoert"] = "01.03.2009"
    parsed = frr.parse((json.dumps(line) + "\n").encode(), "x.jsonl")
    assert parsed.orgs["forste_gang_innfoert"][0] is None
    assert [i.code for i in parsed.issues] == ["invalid_date"]


# ------------------------------------------------------------------------------------------ paging

def _pages(request: httpx.Request) -> httpx.Response:
    after = request.url.params.get("searchAfter")
    n = {None: 1, "910000071": 2, "910000632": 3}[after]
    return httpx.Response(200, json=fixture_json("frivillighetsregisteret", f"api-side-{n}.json"))


def test_paging_follows_searchafter_until_no_next_link(tmp_path):
    seen: list[httpx.Request] = []
    dest = tmp_path / "frivillige.jsonl.gz"
    n = frr.download_pages(dest, size=2, transport=mock_transport(_pages, seen))
    assert n == 5
    assert [r.url.params.get("searchAfter") for r in seen] == [None, "910000071", "910000632"]
    assert all(r.url.params["size"] == "2" for r in seen)
    lines = gzip.decompress(dest.read_bytes()).decode().splitlines()
    assert [json.loads(x)["organisasjonsnummer"] for x in lines] == [
        "910000004", "910000071", "910000497", "910000632", "910000705"]
    stored = frr.parse(dest.read_bytes(), "x")
    assert stored.orgs.height == 5 and not stored.issues


def test_page_size_above_100_is_refused(tmp_path):
    with pytest.raises(ValueError, match="1..100"):
        frr.download_pages(tmp_path / "x.jsonl.gz", size=101, transport=httpx.MockTransport(_pages))


def test_empty_page_ends_paging():
    items, nxt = frr.page_records({"_links": {"self": {"href": "x"}}})
    assert items == [] and nxt is None
