-- Reference views: municipalities, counties, population, size groups and code harmonisation (2024 division).

-- The Norwegian (bokmål) form of every official name in more than one language. The languages come in no fixed
-- order ('Trondheim - Tråante' but 'Rosse - Røros', 'Gáivuotna - Kåfjord - Kaivuono'), so no rule finds the
-- Norwegian part: it is listed here, for the current and former municipalities (boundary files, SSB's change
-- files) and the counties. A name in several languages that is missing here fails the build
-- (sql/checks/ref_kortnavn.sql): add it with its Norwegian form.
CREATE OR REPLACE TABLE ref_kortnavn AS
SELECT * FROM (VALUES
    ('Aarborte - Hattfjelldal',            'Hattfjelldal'),
    ('Deatnu - Tana',                      'Tana'),
    ('Dielddanuorri - Tjeldsund',          'Tjeldsund'),
    ('Evenes - Evenášši',                  'Evenes'),
    ('Fauske - Fuossko',                   'Fauske'),
    ('Gratangen - Rivtták',                'Gratangen'),
    ('Guovdageaidnu - Kautokeino',         'Kautokeino'),
    ('Gáivuotna - Kåfjord - Kaivuono',     'Kåfjord'),
    ('Hammerfest - Hámmerfeasta',          'Hammerfest'),
    ('Harstad - Hárstták',                 'Harstad'),
    ('Hábmer - Hamarøy',                   'Hamarøy'),
    ('Kárášjohka - Karasjok',              'Karasjok'),
    ('Levanger - Levangke',                'Levanger'),
    ('Loabák - Lavangen',                  'Lavangen'),
    ('Namsos - Nåavmesjenjaelmie',         'Namsos'),
    ('Nordreisa - Ráisa - Raisi',          'Nordreisa'),
    ('Porsanger - Porsángu - Porsanki',    'Porsanger'),
    ('Porsanger - Porsáŋgu - Porsanki',    'Porsanger'),
    ('Raarvihke - Røyrvik',                'Røyrvik'),
    ('Rana - Raane',                       'Rana'),
    ('Rosse - Røros',                      'Røros'),
    ('Snåase - Snåsa',                     'Snåsa'),
    ('Sortland - Suortá',                  'Sortland'),
    ('Storfjord - Omasvuotna - Omasvuono', 'Storfjord'),
    ('Sørfold - Fuolldá',                  'Sørfold'),
    ('Trondheim - Tråante',                'Trondheim'),
    ('Tysfjord - Divtasvuodna',            'Tysfjord'),
    ('Unjárga - Nesseby',                  'Nesseby'),
    -- counties
    ('Finnmark - Finnmárku - Finmarkku',   'Finnmark'),
    ('Nordland - Nordlánnda',              'Nordland'),
    ('Troms - Romsa - Tromssa',            'Troms'),
    ('Trøndelag - Trööndelage',            'Trøndelag')
) AS t(navn, kortnavn);

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
SELECT nivaa, kode, navn, aar, folketall, fordelt_fra
FROM src_befolkning;

CREATE OR REPLACE VIEW fylke AS
SELECT
    f.kode AS fylkesnummer,
    f.navn AS fylkesnavn,
    coalesce((SELECT r.kortnavn FROM ref_kortnavn r WHERE r.navn = f.navn), f.navn) AS fylkesnavn_kort,
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
    coalesce((SELECT r.kortnavn FROM ref_kortnavn r WHERE r.navn = k.navn), k.navn) AS kommunenavn_kort,
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
    coalesce((SELECT r.kortnavn FROM ref_kortnavn r WHERE r.navn = h.navn), h.navn) AS navn_kort,
    h.gyldig_fra,
    h.gyldig_til,
    m.kommunenummer_2024,
    k.kommunenavn AS kommunenavn_2024,
    m.vekt,
    h.merknad
FROM ref_kommunenavn h
JOIN ref_kommunekode_mapping m ON m.kode = h.kode AND m.aar = h.gyldig_til
JOIN kommune k ON k.kommunenummer = m.kommunenummer_2024;
