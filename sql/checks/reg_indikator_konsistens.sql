-- Registers: the stock grows by exactly the new registrations each year (antall = previous antall + nye), the ICNPO groups add up to antall, and rates are non-negative.
WITH d AS (
    SELECT nivaa, kode, aar, antall, nye, per_1000,
           antall - coalesce(lag(antall) OVER (PARTITION BY nivaa, kode ORDER BY aar), 0) AS vekst
    FROM organisasjoner_indikator
), g AS (
    SELECT nivaa, kode, aar, sum(antall) AS antall FROM organisasjoner_icnpo GROUP BY ALL
)
SELECT 'antall - fjorårets ≠ nye' AS problem, d.nivaa, d.kode, d.aar, d.vekst AS verdi, d.nye AS forventet
FROM d WHERE d.vekst <> d.nye OR d.per_1000 < 0
UNION ALL
SELECT 'sum ICNPO-grupper ≠ antall', i.nivaa, i.kode, i.aar, g.antall, i.antall
FROM organisasjoner_indikator i LEFT JOIN g USING (nivaa, kode, aar)
WHERE g.antall IS DISTINCT FROM i.antall;
