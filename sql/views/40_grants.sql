-- Grant schemes per recipient: grasrotandel and momskompensasjon joined to the registers (view `organisasjon`).
-- A recipient found in the registers takes its name, ICNPO category and 2024 municipality from there. One not
-- found is kept (and counted), placed by the file's municipality code harmonised to 2024 (staging/40_grants.sql:
-- the successor with the largest weight for a split code), and logged in `_avvik` as 'rettet' / not_in_register.
-- A recipient placed nowhere (not in the registers, no valid code) counts only for the country.
-- The joined rows are materialised here (stg_ tables) because the `organisasjon` view exists only in this layer.

CREATE OR REPLACE TABLE stg_grants_org AS
SELECT orgnr, navn, kommunenummer, icnpo_primaer, icnpo_gruppe, i_frivillighetsregisteret
FROM organisasjon
QUALIFY row_number() OVER (PARTITION BY orgnr ORDER BY kommunenummer NULLS LAST, navn) = 1;

CREATE OR REPLACE TABLE stg_grasrot_mottaker AS
WITH per_org AS (
    -- an organisation listed twice in one year's file (logged as duplicate_orgnr) is one recipient
    SELECT
        aar, orgnr,
        arg_min(navn_fil, rad) AS navn_fil,
        arg_min(kommunenummer_fil, rad) AS kommunenummer_fil,
        arg_min(kommunenummer_fil_2024, rad) AS kommunenummer_fil_2024,
        arg_min(antall_etterfolgere, rad) AS antall_etterfolgere,
        sum(givere) AS givere,
        sum(belop)::DECIMAL(18, 2) AS belop,
        min(rad) AS rad,
        arg_min(fil, rad) AS fil
    FROM stg_grasrot_rad
    GROUP BY aar, orgnr
)
SELECT
    p.orgnr,
    p.aar,
    coalesce(o.kommunenummer, p.kommunenummer_fil_2024) AS kommunenummer,
    p.belop,
    p.givere,
    coalesce(o.navn, p.navn_fil) AS navn,
    o.icnpo_primaer,
    o.icnpo_gruppe,
    o.orgnr IS NOT NULL AS i_register,
    CASE WHEN o.kommunenummer IS NOT NULL THEN 'register'
         WHEN p.kommunenummer_fil_2024 IS NOT NULL THEN 'fil' END AS plassert_etter,
    p.kommunenummer_fil,
    p.antall_etterfolgere,
    p.fil,
    p.rad
FROM per_org p
LEFT JOIN stg_grants_org o ON o.orgnr = p.orgnr;

CREATE OR REPLACE TABLE stg_moms_mottaker AS
SELECT
    s.orgnr,
    s.aar,
    coalesce(o.kommunenummer, s.kommunenummer_fil_2024) AS kommunenummer,
    s.ordning,
    s.sokt,
    s.utbetalt,
    coalesce(o.navn, s.navn_fil) AS navn,
    o.icnpo_primaer,
    o.icnpo_gruppe,
    o.orgnr IS NOT NULL AS i_register,
    CASE WHEN o.kommunenummer IS NOT NULL THEN 'register'
         WHEN s.kommunenummer_fil_2024 IS NOT NULL THEN 'fil' END AS plassert_etter,
    s.kommunenummer_fil,
    s.antall_etterfolgere,
    s.fil,
    s.rad
FROM stg_moms_rad s
LEFT JOIN stg_grants_org o ON o.orgnr = s.orgnr;

-- Recipients missing from the registers: kept, placed by the file's code, and logged.
INSERT INTO _avvik BY NAME
SELECT
    source_id, fil AS file, rad AS "row", 'Organisasjonsnummer' AS "column", orgnr AS value,
    'not_in_register' AS code, 'rettet' AS action,
    CASE
        WHEN kommunenummer IS NULL THEN
            'organisation not in the registers and municipality code ' || coalesce(kommunenummer_fil, '(empty)')
            || ' is not valid in ' || aar || ': kept, counted for the country only'
        WHEN antall_etterfolgere > 1 THEN
            'organisation not in the registers: kept, placed by the file''s code ' || kommunenummer_fil || ' ('
            || aar || '), which was split; placed wholly at ' || kommunenummer || ', the successor with the largest weight'
        ELSE
            'organisation not in the registers: kept, placed by the file''s code ' || kommunenummer_fil || ' ('
            || aar || ') → ' || kommunenummer || ' in 2024'
    END AS message
FROM (
    SELECT 'grasrotandel' AS source_id, * FROM stg_grasrot_mottaker WHERE NOT i_register
    UNION ALL BY NAME
    SELECT 'momskompensasjon' AS source_id, * FROM stg_moms_mottaker WHERE NOT i_register
)
ORDER BY source_id, fil, rad;

CREATE OR REPLACE VIEW grasrotandel AS
SELECT orgnr, aar, kommunenummer, belop, givere, navn, icnpo_primaer, icnpo_gruppe, i_register,
       plassert_etter, kommunenummer_fil
FROM stg_grasrot_mottaker;

CREATE OR REPLACE VIEW momskompensasjon AS
SELECT orgnr, aar, kommunenummer, ordning, sokt, utbetalt, navn, icnpo_primaer, icnpo_gruppe, i_register,
       plassert_etter, kommunenummer_fil
FROM stg_moms_mottaker;
