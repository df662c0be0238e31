-- Registers: organisations registered in Frivillighetsregisteret per municipality, county and country and year.
-- Stock at year end = registered organisations whose first registration (foersteGangInnfoert) is on or before
-- 31 December; the last year is the year of the register snapshot (stock on the snapshot date).

CREATE OR REPLACE TABLE mart_reg_aar AS
WITH slutt AS (
    SELECT coalesce(
        (SELECT year(max(retrieved)) FROM _sources WHERE source_id = 'frivillighetsregisteret'),
        (SELECT year(max(registrert_frivillighetsregisteret)) FROM stg_organisasjon),
        2009)::INTEGER AS sluttaar
)
SELECT unnest(range(2009, greatest(sluttaar, 2009) + 1))::INTEGER AS aar FROM slutt;

-- One row per registered organisation that has a 2024 municipality: the year it entered the stock.
CREATE OR REPLACE TABLE mart_reg_org AS
WITH s AS (SELECT max(aar) AS sluttaar FROM mart_reg_aar)
SELECT
    o.orgnr,
    o.kommunenummer,
    o.icnpo_gruppe,
    coalesce(o.icnpo_primaer = '8200', false) AS frivilligsentral,
    coalesce(o.grasrot_deltar, false) AS grasrot_deltar,
    least(greatest(coalesce(year(o.registrert_frivillighetsregisteret), s.sluttaar), 2009), s.sluttaar)::INTEGER
        AS fra_aar
FROM stg_organisasjon o, s
WHERE o.i_frivillighetsregisteret AND o.kommunenummer IS NOT NULL;

-- Every geographic unit with the 2024 municipalities it consists of.
CREATE OR REPLACE TABLE mart_reg_geo AS
SELECT 'kommune' AS nivaa, k.kode, k.navn, k.kode AS kommunenummer FROM src_kommune_grense_2024 k
UNION ALL
SELECT 'fylke', f.kode, f.navn, k.kode
FROM src_fylke_grense_2024 f JOIN src_kommune_grense_2024 k ON left(k.kode, 2) = f.kode
UNION ALL
SELECT 'land', '0', 'Hele landet', k.kode FROM src_kommune_grense_2024 k;

CREATE OR REPLACE TABLE mart_organisasjoner_indikator AS
WITH ny AS (
    SELECT kommunenummer, fra_aar AS aar, count(*) AS nye,
           count(*) FILTER (WHERE frivilligsentral) AS nye_fs,
           count(*) FILTER (WHERE grasrot_deltar) AS nye_grasrot
    FROM mart_reg_org GROUP BY ALL
), grid AS (
    SELECT g.nivaa, g.kode, g.navn, a.aar,
           coalesce(sum(ny.nye), 0) AS nye, coalesce(sum(ny.nye_fs), 0) AS nye_fs,
           coalesce(sum(ny.nye_grasrot), 0) AS nye_grasrot
    FROM mart_reg_geo g
    CROSS JOIN mart_reg_aar a
    LEFT JOIN ny ON ny.kommunenummer = g.kommunenummer AND ny.aar = a.aar
    GROUP BY g.nivaa, g.kode, g.navn, a.aar
), cum AS (
    SELECT *,
           sum(nye) OVER w AS antall,
           sum(nye_fs) OVER w AS fs,
           sum(nye_grasrot) OVER w AS grasrot
    FROM grid
    WINDOW w AS (PARTITION BY nivaa, kode ORDER BY aar)
), befolkning AS (
    SELECT nivaa, kode, aar, folketall FROM src_befolkning WHERE folketall IS NOT NULL
), med_folk AS (
    -- population on 1 January of the following year (the latest published one if that is not out yet)
    SELECT c.*, b.folketall, b.aar AS folketall_aar
    FROM cum c
    ASOF LEFT JOIN befolkning b ON b.nivaa = c.nivaa AND b.kode = c.kode AND b.aar <= c.aar + 1
)
SELECT
    nivaa,
    kode,
    navn,
    aar,
    antall::BIGINT AS antall,
    nye::BIGINT AS nye,
    folketall,
    folketall_aar,
    CASE WHEN folketall > 0 THEN antall * 1000.0 / folketall END AS per_1000,
    fs::BIGINT AS frivilligsentraler,
    CASE WHEN aar = (SELECT max(aar) FROM mart_reg_aar) THEN grasrot::BIGINT END AS grasrot_deltar,
    CASE WHEN aar = (SELECT max(aar) FROM mart_reg_aar) AND antall > 0 THEN grasrot / antall END AS grasrot_andel
FROM med_folk
ORDER BY CASE nivaa WHEN 'land' THEN 0 WHEN 'fylke' THEN 1 ELSE 2 END, kode, aar;

CREATE OR REPLACE TABLE mart_organisasjoner_icnpo AS
WITH ny AS (
    SELECT kommunenummer, fra_aar AS aar, icnpo_gruppe, count(*) AS nye FROM mart_reg_org GROUP BY ALL
), grupper AS (
    SELECT DISTINCT x.icnpo_gruppe, coalesce(g.navn, CASE WHEN x.icnpo_gruppe IS NULL THEN 'Uten kategori'
                                                         ELSE 'Ukjent gruppe ' || x.icnpo_gruppe END) AS gruppenavn
    FROM (SELECT icnpo_kode AS icnpo_gruppe FROM stg_icnpo WHERE er_gruppe
          UNION SELECT icnpo_gruppe FROM mart_reg_org) x
    LEFT JOIN stg_icnpo g ON g.icnpo_kode = x.icnpo_gruppe AND g.er_gruppe
), grid AS (
    SELECT g.nivaa, g.kode, g.navn, a.aar, gr.icnpo_gruppe, gr.gruppenavn, coalesce(sum(ny.nye), 0) AS nye
    FROM mart_reg_geo g
    CROSS JOIN mart_reg_aar a
    CROSS JOIN grupper gr
    LEFT JOIN ny ON ny.kommunenummer = g.kommunenummer AND ny.aar = a.aar
                AND ny.icnpo_gruppe IS NOT DISTINCT FROM gr.icnpo_gruppe
    GROUP BY ALL
)
SELECT
    nivaa,
    kode,
    navn,
    aar,
    icnpo_gruppe,
    gruppenavn,
    (sum(nye) OVER (PARTITION BY nivaa, kode, icnpo_gruppe ORDER BY aar))::BIGINT AS antall,
    nye::BIGINT AS nye
FROM grid
ORDER BY CASE nivaa WHEN 'land' THEN 0 WHEN 'fylke' THEN 1 ELSE 2 END, kode, aar,
         try_cast(icnpo_gruppe AS INTEGER) NULLS LAST;
