-- Every 2024 municipality has a grasrot row with amount and NOK per inhabitant for every year with a file (0 where no recipient); every county and the country too.
WITH aar AS (SELECT DISTINCT aar FROM src_grasrotandel),
forventet AS (
    SELECT 'kommune' AS nivaa, kommunenummer AS kode, aar FROM kommune, aar
    UNION ALL SELECT 'fylke', fylkesnummer, aar FROM fylke, aar
    UNION ALL SELECT 'land', '0', aar FROM aar
)
SELECT f.nivaa, f.kode, f.aar, 'mangler rad eller kr per innbygger' AS problem
FROM forventet f
LEFT JOIN grasrot_indikator g USING (nivaa, kode, aar)
WHERE g.kr_per_innbygger IS NULL OR g.belop IS NULL
UNION ALL
SELECT nivaa, kode, aar, 'dobbel rad' FROM grasrot_indikator GROUP BY ALL HAVING count(*) > 1;
