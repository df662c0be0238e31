-- Grant schemes (grasrotandel, momskompensasjon): each file row with its municipality code harmonised to 2024.
-- Recipients are placed by their register entry in sql/views/40_grants.sql; the harmonised file code here is
-- the fallback for recipients that are not in the registers. A code split between several 2024 municipalities
-- is placed WHOLLY at the successor with the largest weight (ties: lowest code): an organisation sits in one
-- place, and a recipient must not be counted as a fraction in several municipalities.

CREATE OR REPLACE TABLE stg_kommunekode_storst AS
SELECT kode, aar, kommunenummer_2024, vekt, metode, count(*) OVER (PARTITION BY kode, aar) AS antall_etterfolgere
FROM ref_kommunekode_mapping
QUALIFY row_number() OVER (PARTITION BY kode, aar ORDER BY vekt DESC, kommunenummer_2024) = 1;

CREATE OR REPLACE TABLE stg_grasrot_rad AS
SELECT
    g.aar,
    g.orgnr,
    g.navn AS navn_fil,
    g.kommunenummer AS kommunenummer_fil,
    m.kommunenummer_2024 AS kommunenummer_fil_2024,
    m.antall_etterfolgere,
    g.givere,
    g.belop,
    g.fil,
    g.rad
FROM src_grasrotandel g
LEFT JOIN stg_kommunekode_storst m ON m.kode = g.kommunenummer AND m.aar = g.aar;

CREATE OR REPLACE TABLE stg_moms_rad AS
SELECT
    s.aar,
    s.orgnr,
    s.navn AS navn_fil,
    s.ordning,
    s.sokt,
    s.utbetalt,
    s.kommunenummer AS kommunenummer_fil,
    m.kommunenummer_2024 AS kommunenummer_fil_2024,
    m.antall_etterfolgere,
    s.fil,
    s.rad
FROM src_momskompensasjon s
LEFT JOIN stg_kommunekode_storst m ON m.kode = s.kommunenummer AND m.aar = s.aar;
