-- Survey rounds in today's borders: one row per 2024 municipality and round, from its predecessors' answers.
-- The rule is documented in sql/README.md ("Frivillighetspolitikk: earlier rounds in today's borders") and in
-- etl.sources.kommuneundersokelse.harmonised_status, which tests/test_policy_views.py checks this against.

CREATE OR REPLACE TABLE mart_politikk_kommune AS
WITH forg AS (
    SELECT r.*, m.kommunenummer_2024, m.vekt,
        CASE r.status WHEN 'ja' THEN 'ja' WHEN 'nei' THEN 'nei' WHEN 'under_arbeid' THEN 'under arbeid'
                      WHEN 'vet_ikke' THEN 'vet ikke' ELSE 'ikke svart' END AS svartekst
    FROM stg_politikk_runde r
    JOIN ref_kommunekode_mapping m ON m.kode = r.kode AND m.aar = r.kodeaar AND m.vekt > 0
)
SELECT
    runde,
    min(kodeaar) AS kodeaar,
    kommunenummer_2024 AS kommunenummer,
    CASE WHEN bool_or(status = 'ja') THEN 'ja'
         WHEN bool_or(status = 'under_arbeid') THEN 'under_arbeid'
         WHEN bool_or(status = 'ukjent') THEN 'ukjent'
         WHEN bool_or(status = 'vet_ikke') THEN 'vet_ikke'
         ELSE 'nei' END AS status,
    min(vedtaksaar) FILTER (WHERE status = 'ja') AS vedtaksaar,
    CASE WHEN bool_or(koordinator = 'ja') THEN 'ja' WHEN bool_or(koordinator IS NULL) THEN NULL
         WHEN bool_or(koordinator = 'vet_ikke') THEN 'vet_ikke' ELSE 'nei' END AS koordinator,
    CASE WHEN bool_or(frivillighetsraad = 'ja') THEN 'ja' WHEN bool_or(frivillighetsraad IS NULL) THEN NULL
         WHEN bool_or(frivillighetsraad = 'vet_ikke') THEN 'vet_ikke' ELSE 'nei' END AS frivillighetsraad,
    CASE WHEN bool_or(samarbeidsplattform = 'ja') THEN 'ja' WHEN bool_or(samarbeidsplattform IS NULL) THEN NULL
         WHEN bool_or(samarbeidsplattform = 'vet_ikke') THEN 'vet_ikke' ELSE 'nei' END AS samarbeidsplattform,
    CASE WHEN bool_or(gratis_lokaler IS NULL) THEN NULL
         WHEN count(DISTINCT gratis_lokaler) = 1 THEN min(gratis_lokaler)
         WHEN bool_or(gratis_lokaler = 'vet_ikke') THEN 'vet_ikke'
         ELSE 'delvis' END AS gratis_lokaler,
    CASE WHEN bool_or(tilskuddsordning = 'ja') THEN 'ja' WHEN bool_or(tilskuddsordning IS NULL) THEN NULL
         WHEN bool_or(tilskuddsordning = 'vet_ikke') THEN 'vet_ikke' ELSE 'nei' END AS tilskuddsordning,
    CASE WHEN bool_or(antall_frivilligsentraler IS NULL) THEN NULL
         ELSE sum(antall_frivilligsentraler) END AS antall_frivilligsentraler,
    count(*) AS antall_forgjengere,
    count(*) FILTER (WHERE status <> 'ukjent') AS forgjengere_svart,
    count(*) FILTER (WHERE status = 'ja') AS forgjengere_ja,
    CASE WHEN min(kodeaar) < 2024 THEN
        string_agg(kode || ' ' || navn || ': ' || svartekst, '; ' ORDER BY kode) END AS forgjengere
FROM forg
GROUP BY runde, kommunenummer_2024;
