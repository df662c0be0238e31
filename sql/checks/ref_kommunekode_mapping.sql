-- Every code valid in a year 2018–2024 maps to 2024 municipalities with weights summing to 1; 422/356/357 codes per year, and every 2024 municipality is reached from every year.
WITH per_kode AS (
    SELECT kode, aar, sum(vekt) AS sum_vekt FROM kommunekode_mapping GROUP BY kode, aar
), per_aar AS (
    SELECT aar, count(*) AS koder FROM per_kode GROUP BY aar
)
SELECT 'vekter summerer ikke til 1' AS problem, kode, aar, sum_vekt AS verdi FROM per_kode
WHERE abs(sum_vekt - 1) > 1e-9
UNION ALL
SELECT 'feil antall koder', NULL, aar, koders FROM (
    SELECT aar, koder AS koders, CASE WHEN aar <= 2019 THEN 422 WHEN aar <= 2023 THEN 356 ELSE 357 END AS forventet
    FROM per_aar) WHERE koders <> forventet
UNION ALL
SELECT 'ukjent 2024-kommune', m.kommunenummer_2024, m.aar, NULL FROM kommunekode_mapping m
WHERE m.kommunenummer_2024 NOT IN (SELECT kommunenummer FROM kommune)
UNION ALL
SELECT 'ikke nådd fra årets koder', k.kommunenummer, y.aar, NULL
FROM kommune k CROSS JOIN (SELECT DISTINCT aar FROM kommunekode_mapping) y
WHERE NOT EXISTS (SELECT 1 FROM kommunekode_mapping m WHERE m.aar = y.aar AND m.kommunenummer_2024 = k.kommunenummer);
