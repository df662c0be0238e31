-- Reference views: municipalities, counties, population, size groups and code harmonisation (2024 division).

CREATE OR REPLACE VIEW storrelsesgruppe AS
SELECT * FROM (VALUES
    (1, 'Under 2 000',        0,      1999),
    (2, '2 000–4 999',        2000,   4999),
    (3, '5 000–9 999',        5000,   9999),
    (4, '10 000–19 999',      10000,  19999),
    (5, '20 000–49 999',      20000,  49999),
    (6, '50 000 og over',     50000,  NULL)
) AS t(storrelsesgruppe_kode, storrelsesgruppe, folketall_fra, folketall_til);

CREATE OR REPLACE VIEW befolkning AS
SELECT nivaa, kode, navn, aar, folketall
FROM src_befolkning;

CREATE OR REPLACE VIEW fylke AS
SELECT
    f.kode AS fylkesnummer,
    f.navn AS fylkesnavn,
    split_part(f.navn, ' - ', 1) AS fylkesnavn_kort,
    (SELECT count(*) FROM src_kommune_grense_2024 k WHERE left(k.kode, 2) = f.kode) AS antall_kommuner,
    b.folketall AS folketall_2024,
    f.lon, f.lat, f.min_lon, f.min_lat, f.max_lon, f.max_lat,
    f.geojson,
    f.geojson_kart
FROM src_fylke_grense_2024 f
LEFT JOIN src_befolkning b ON b.nivaa = 'fylke' AND b.kode = f.kode AND b.aar = 2024;

CREATE OR REPLACE VIEW kommune AS
SELECT
    k.kode AS kommunenummer,
    k.navn AS kommunenavn,
    split_part(k.navn, ' - ', 1) AS kommunenavn_kort,
    left(k.kode, 2) AS fylkesnummer,
    f.navn AS fylkesnavn,
    g.storrelsesgruppe_kode,
    g.storrelsesgruppe,
    b.folketall AS folketall_2024,
    k.lon, k.lat, k.min_lon, k.min_lat, k.max_lon, k.max_lat,
    k.geojson,
    k.geojson_kart
FROM src_kommune_grense_2024 k
LEFT JOIN src_fylke_grense_2024 f ON f.kode = left(k.kode, 2)
LEFT JOIN src_befolkning b ON b.nivaa = 'kommune' AND b.kode = k.kode AND b.aar = 2024
LEFT JOIN storrelsesgruppe g
    ON b.folketall >= g.folketall_fra AND (g.folketall_til IS NULL OR b.folketall <= g.folketall_til);

CREATE OR REPLACE VIEW kommunekode_mapping AS
SELECT kode, aar, kommunenummer_2024, vekt, metode
FROM ref_kommunekode_mapping;

CREATE OR REPLACE VIEW kommune_historikk AS
SELECT
    h.kode,
    h.navn,
    h.gyldig_fra,
    h.gyldig_til,
    m.kommunenummer_2024,
    k.kommunenavn AS kommunenavn_2024,
    m.vekt,
    h.merknad
FROM ref_kommunenavn h
JOIN ref_kommunekode_mapping m ON m.kode = h.kode AND m.aar = h.gyldig_til
JOIN kommune k ON k.kommunenummer = m.kommunenummer_2024;
