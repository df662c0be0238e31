-- Registers: for every year the municipalities and the counties add up to the national row (antall, nye, frivilligsentraler, grasrot_deltar), and each county equals the sum of its municipalities.
WITH land AS (
    SELECT aar, antall, nye, frivilligsentraler, coalesce(grasrot_deltar, 0) AS grasrot
    FROM organisasjoner_indikator WHERE nivaa = 'land'
), sums AS (
    SELECT nivaa, aar, sum(antall) AS antall, sum(nye) AS nye, sum(frivilligsentraler) AS fs,
           sum(coalesce(grasrot_deltar, 0)) AS grasrot
    FROM organisasjoner_indikator WHERE nivaa IN ('kommune', 'fylke') GROUP BY nivaa, aar
), per_fylke AS (
    SELECT left(k.kode, 2) AS fylke, k.aar, sum(k.antall) AS antall
    FROM organisasjoner_indikator k WHERE k.nivaa = 'kommune' GROUP BY ALL
)
SELECT 'sum ' || s.nivaa || ' ≠ landet' AS problem, s.aar, s.antall AS sum_antall, l.antall AS land_antall
FROM sums s JOIN land l USING (aar)
WHERE s.antall <> l.antall OR s.nye <> l.nye OR s.fs <> l.frivilligsentraler OR s.grasrot <> l.grasrot
UNION ALL
SELECT 'fylke ' || f.kode || ' ≠ sum av kommunene', f.aar, p.antall, f.antall
FROM organisasjoner_indikator f JOIN per_fylke p ON p.fylke = f.kode AND p.aar = f.aar
WHERE f.nivaa = 'fylke' AND f.antall <> p.antall
UNION ALL
SELECT 'landet ≠ registrerte organisasjoner med kommune', l.aar, l.antall,
       (SELECT count(*) FROM organisasjon WHERE i_frivillighetsregisteret AND kommunenummer IS NOT NULL)
FROM land l WHERE l.aar = (SELECT max(aar) FROM land)
  AND l.antall <> (SELECT count(*) FROM organisasjon WHERE i_frivillighetsregisteret AND kommunenummer IS NOT NULL);
