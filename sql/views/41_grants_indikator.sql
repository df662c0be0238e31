-- Grant-scheme indicators per country, county and municipality (2024 division) and year: grasrotandel and
-- momskompensasjon, in total and per ICNPO group. Aggregates are materialised (mart_ tables) in this layer because
-- they depend on the `organisasjon` view; the public views below only select from them.

-- Every place of the 2024 division, with the country as nivaa 'land' / kode '0'.
CREATE OR REPLACE TABLE stg_grants_sted AS
SELECT 'land' AS nivaa, '0' AS kode, 'Hele landet' AS navn, 0 AS sortering
UNION ALL
SELECT 'fylke', fylkesnummer, fylkesnavn, 1 FROM fylke
UNION ALL
SELECT 'kommune', kommunenummer, kommunenavn, 2 FROM kommune;

-- ICNPO group of a recipient, with a label also for recipients without one.
CREATE OR REPLACE TABLE stg_grants_gruppe AS
SELECT DISTINCT gruppe_kode AS icnpo_gruppe, gruppenavn FROM icnpo_kategori WHERE gruppe_kode IS NOT NULL;

-- Registered organisations in Frivillighetsregisteret at the end of each year, per place, in total and per ICNPO
-- group (denominators of the share of registered organisations that receive grasrot money; from the registers'
-- indicator views, which count an organisation from the year of its first registration).
CREATE OR REPLACE TABLE stg_grants_registrerte AS
SELECT nivaa, kode, aar, antall AS registrerte
FROM organisasjoner_indikator;

CREATE OR REPLACE TABLE stg_grants_registrerte_icnpo AS
SELECT nivaa, kode, aar, icnpo_gruppe, antall AS registrerte
FROM organisasjoner_icnpo;

-- Aggregates per level use GROUPING SETS: (aar) is the country, (aar, fylke) the county, (aar, kommunenummer) the
-- municipality. Recipients placed nowhere (not in the registers and no valid code in the file) count only for
-- the country: their NULL county/municipality groups are dropped.
-- Grasrotandelen: every place × every year with a file (0 where no recipient).
CREATE OR REPLACE TABLE mart_grasrot_indikator AS
WITH aar AS (SELECT DISTINCT aar FROM stg_grasrot_mottaker),
agg AS (
    SELECT
        CASE WHEN grouping(kommunenummer) = 0 THEN 'kommune' WHEN grouping(fylke) = 0 THEN 'fylke' ELSE 'land' END
            AS nivaa,
        CASE WHEN grouping(kommunenummer) = 0 THEN kommunenummer WHEN grouping(fylke) = 0 THEN fylke ELSE '0' END
            AS kode,
        aar, sum(belop) AS belop, sum(givere) AS givere, count(DISTINCT orgnr) AS mottakere,
        count(DISTINCT orgnr) FILTER (WHERE NOT i_register) AS mottakere_utenfor_register
    FROM (SELECT *, left(kommunenummer, 2) AS fylke FROM stg_grasrot_mottaker)
    GROUP BY GROUPING SETS ((aar), (aar, fylke), (aar, kommunenummer))
)
SELECT
    s.nivaa, s.kode, s.navn, a.aar,
    coalesce(g.belop, 0)::DECIMAL(18, 2) AS belop,
    coalesce(g.givere, 0)::BIGINT AS givere,
    coalesce(g.mottakere, 0)::BIGINT AS mottakere,
    b.folketall,
    -- full precision: the dashboard rounds once, as it shows the value (a stored 128,50 shown as 128 is 1 kr off
    -- the exact 128,502)
    (coalesce(g.belop, 0) / b.folketall)::DOUBLE AS kr_per_innbygger,
    r.registrerte,
    CASE WHEN r.registrerte > 0 THEN coalesce(g.mottakere, 0) / r.registrerte END AS andel_registrerte_mottar,
    coalesce(g.mottakere_utenfor_register, 0)::BIGINT AS mottakere_utenfor_register,
    s.sortering
FROM stg_grants_sted s
CROSS JOIN aar a
LEFT JOIN agg g ON g.nivaa = s.nivaa AND g.kode = s.kode AND g.aar = a.aar
LEFT JOIN befolkning b ON b.nivaa = s.nivaa AND b.kode = s.kode AND b.aar = a.aar
LEFT JOIN stg_grants_registrerte r ON r.nivaa = s.nivaa AND r.kode = s.kode AND r.aar = a.aar;

CREATE OR REPLACE TABLE mart_grasrot_icnpo AS
WITH agg AS (
    SELECT * FROM (
        SELECT
            CASE WHEN grouping(kommunenummer) = 0 THEN 'kommune' WHEN grouping(fylke) = 0 THEN 'fylke' ELSE 'land'
                END AS nivaa,
            CASE WHEN grouping(kommunenummer) = 0 THEN kommunenummer WHEN grouping(fylke) = 0 THEN fylke ELSE '0'
                END AS kode,
            aar, icnpo_gruppe, i_register,
            sum(belop) AS belop, sum(givere) AS givere, count(DISTINCT orgnr) AS mottakere
        FROM (SELECT *, left(kommunenummer, 2) AS fylke FROM stg_grasrot_mottaker)
        GROUP BY GROUPING SETS ((aar, icnpo_gruppe, i_register), (aar, fylke, icnpo_gruppe, i_register),
                                (aar, kommunenummer, icnpo_gruppe, i_register))
    ) WHERE kode IS NOT NULL
)
SELECT
    a.nivaa, a.kode, a.aar, a.icnpo_gruppe,
    CASE WHEN a.icnpo_gruppe IS NOT NULL THEN coalesce(g.gruppenavn, 'ICNPO ' || a.icnpo_gruppe)
         WHEN a.i_register THEN 'Uten ICNPO-kategori'
         ELSE 'Ikke funnet i registrene' END AS gruppenavn,
    a.belop::DECIMAL(18, 2) AS belop,
    a.givere::BIGINT AS givere,
    a.mottakere::BIGINT AS mottakere,
    a.belop / sum(a.belop) OVER (PARTITION BY a.nivaa, a.kode, a.aar) AS andel_belop,
    CASE WHEN a.i_register THEN r.registrerte END AS registrerte,
    CASE WHEN a.i_register AND r.registrerte > 0 THEN a.mottakere / r.registrerte END AS andel_registrerte_mottar
FROM agg a
LEFT JOIN stg_grants_gruppe g ON g.icnpo_gruppe = a.icnpo_gruppe
LEFT JOIN stg_grants_registrerte_icnpo r
    ON r.nivaa = a.nivaa AND r.kode = a.kode AND r.aar = a.aar AND r.icnpo_gruppe IS NOT DISTINCT FROM a.icnpo_gruppe;

-- Momskompensasjon: head-office bias. The share paid to recipients registered in Oslo, per year, is the honest
-- proxy for the national umbrella organisations (sentralledd); the files carry no flag for them.
CREATE OR REPLACE TABLE stg_moms_oslo AS
SELECT aar, sum(utbetalt) FILTER (WHERE kommunenummer = '0301') / sum(utbetalt) AS andel_oslo
FROM stg_moms_mottaker GROUP BY aar;

CREATE OR REPLACE TABLE mart_moms_indikator AS
WITH aar AS (SELECT DISTINCT aar FROM stg_moms_mottaker),
agg AS (
    SELECT
        CASE WHEN grouping(kommunenummer) = 0 THEN 'kommune' WHEN grouping(fylke) = 0 THEN 'fylke' ELSE 'land' END
            AS nivaa,
        CASE WHEN grouping(kommunenummer) = 0 THEN kommunenummer WHEN grouping(fylke) = 0 THEN fylke ELSE '0' END
            AS kode,
        aar, sum(utbetalt) AS utbetalt, sum(sokt) AS sokt, count(DISTINCT orgnr) AS mottakere,
        count(DISTINCT orgnr) FILTER (WHERE NOT i_register) AS mottakere_utenfor_register
    FROM (SELECT *, left(kommunenummer, 2) AS fylke FROM stg_moms_mottaker)
    GROUP BY GROUPING SETS ((aar), (aar, fylke), (aar, kommunenummer))
),
land AS (SELECT aar, utbetalt AS utbetalt_land FROM agg WHERE nivaa = 'land')
SELECT
    s.nivaa, s.kode, s.navn, a.aar,
    coalesce(g.utbetalt, 0)::DECIMAL(18, 2) AS utbetalt,
    coalesce(g.sokt, 0)::DECIMAL(18, 2) AS sokt,
    coalesce(g.mottakere, 0)::BIGINT AS mottakere,
    b.folketall,
    (coalesce(g.utbetalt, 0) / b.folketall)::DOUBLE AS kr_per_innbygger,
    CASE WHEN g.sokt > 0 THEN 1 - g.utbetalt / g.sokt END AS avkorting,
    coalesce(g.utbetalt, 0) / l.utbetalt_land AS andel_av_landet,
    CASE WHEN s.nivaa = 'land' THEN o.andel_oslo END AS andel_oslo,
    coalesce(g.mottakere_utenfor_register, 0)::BIGINT AS mottakere_utenfor_register,
    CASE WHEN s.nivaa IN ('kommune', 'fylke') THEN
        'Momskompensasjonen utbetales i stor grad til landsdekkende organisasjoner (sentralledd), og pengene '
        || 'registreres der hovedkontoret ligger. I ' || a.aar || ' gikk ' || round(100 * o.andel_oslo)::INTEGER
        || ' % av pengene til mottakere registrert i Oslo. Tall per kommune og fylke viser derfor hvor '
        || 'hovedkontorene ligger, ikke hvor den frivillige aktiviteten foregår.'
    END AS merknad,
    s.sortering
FROM stg_grants_sted s
CROSS JOIN aar a
LEFT JOIN agg g ON g.nivaa = s.nivaa AND g.kode = s.kode AND g.aar = a.aar
LEFT JOIN land l ON l.aar = a.aar
LEFT JOIN stg_moms_oslo o ON o.aar = a.aar
LEFT JOIN befolkning b ON b.nivaa = s.nivaa AND b.kode = s.kode AND b.aar = a.aar;

CREATE OR REPLACE TABLE mart_moms_icnpo AS
WITH agg AS (
    SELECT * FROM (
        SELECT
            CASE WHEN grouping(kommunenummer) = 0 THEN 'kommune' WHEN grouping(fylke) = 0 THEN 'fylke' ELSE 'land'
                END AS nivaa,
            CASE WHEN grouping(kommunenummer) = 0 THEN kommunenummer WHEN grouping(fylke) = 0 THEN fylke ELSE '0'
                END AS kode,
            aar, icnpo_gruppe, i_register,
            sum(utbetalt) AS utbetalt, sum(sokt) AS sokt, count(DISTINCT orgnr) AS mottakere,
            sum(utbetalt) FILTER (WHERE kommunenummer = '0301') AS utbetalt_oslo,
            count(DISTINCT orgnr) FILTER (WHERE kommunenummer = '0301') AS mottakere_oslo
        FROM (SELECT *, left(kommunenummer, 2) AS fylke FROM stg_moms_mottaker)
        GROUP BY GROUPING SETS ((aar, icnpo_gruppe, i_register), (aar, fylke, icnpo_gruppe, i_register),
                                (aar, kommunenummer, icnpo_gruppe, i_register))
    ) WHERE kode IS NOT NULL
)
SELECT
    a.nivaa, a.kode, a.aar, a.icnpo_gruppe,
    CASE WHEN a.icnpo_gruppe IS NOT NULL THEN coalesce(g.gruppenavn, 'ICNPO ' || a.icnpo_gruppe)
         WHEN a.i_register THEN 'Uten ICNPO-kategori'
         ELSE 'Ikke funnet i registrene' END AS gruppenavn,
    a.utbetalt::DECIMAL(18, 2) AS utbetalt,
    a.sokt::DECIMAL(18, 2) AS sokt,
    a.mottakere::BIGINT AS mottakere,
    a.utbetalt / sum(a.utbetalt) OVER (PARTITION BY a.nivaa, a.kode, a.aar) AS andel_utbetalt,
    CASE WHEN a.nivaa = 'land' THEN coalesce(a.utbetalt_oslo, 0) / a.utbetalt END AS andel_oslo,
    CASE WHEN a.nivaa = 'land' THEN a.mottakere_oslo END::BIGINT AS mottakere_oslo,
    m.merknad
FROM agg a
LEFT JOIN stg_grants_gruppe g ON g.icnpo_gruppe = a.icnpo_gruppe
LEFT JOIN mart_moms_indikator m ON m.nivaa = a.nivaa AND m.kode = a.kode AND m.aar = a.aar;

CREATE OR REPLACE VIEW grasrot_indikator AS
SELECT nivaa, kode, navn, aar, belop, givere, mottakere, folketall, kr_per_innbygger, registrerte,
       andel_registrerte_mottar, mottakere_utenfor_register
FROM mart_grasrot_indikator
ORDER BY sortering, kode, aar;

CREATE OR REPLACE VIEW grasrot_icnpo AS
SELECT nivaa, kode, aar, icnpo_gruppe, gruppenavn, belop, givere, mottakere, andel_belop, registrerte,
       andel_registrerte_mottar
FROM mart_grasrot_icnpo
ORDER BY nivaa, kode, aar, belop DESC;

CREATE OR REPLACE VIEW moms_indikator AS
SELECT nivaa, kode, navn, aar, utbetalt, sokt, mottakere, folketall, kr_per_innbygger, avkorting,
       andel_av_landet, andel_oslo, mottakere_utenfor_register, merknad
FROM mart_moms_indikator
ORDER BY sortering, kode, aar;

CREATE OR REPLACE VIEW moms_icnpo AS
SELECT nivaa, kode, aar, icnpo_gruppe, gruppenavn, utbetalt, sokt, mottakere, andel_utbetalt, andel_oslo,
       mottakere_oslo, merknad
FROM mart_moms_icnpo
ORDER BY nivaa, kode, aar, utbetalt DESC;
