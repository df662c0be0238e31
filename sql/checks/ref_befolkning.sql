-- Every municipality and county has a population for 2024, and the municipalities sum to the country within 100 persons in years where every municipality has a value.
SELECT 'mangler 2024' AS problem, k.kommunenummer AS kode, NULL::BIGINT AS differanse
FROM kommune k WHERE k.folketall_2024 IS NULL
UNION ALL
SELECT 'mangler 2024', f.fylkesnummer, NULL FROM fylke f WHERE f.folketall_2024 IS NULL
UNION ALL
SELECT 'sum kommuner ≠ landet i ' || l.aar, '0', s.sum_kommuner - l.folketall
FROM befolkning l
JOIN (SELECT aar, sum(folketall) AS sum_kommuner, count(*) FILTER (WHERE folketall IS NULL) AS mangler
      FROM befolkning WHERE nivaa = 'kommune' GROUP BY aar) s USING (aar)
WHERE l.nivaa = 'land' AND s.mangler = 0 AND abs(s.sum_kommuner - l.folketall) > 100;
