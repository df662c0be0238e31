-- Frivillighet Norge's county table names 2024 counties only and sums to the national count published for the same year (July 2024: 107); every published row has a citation.
SELECT 'ukjent fylke i tabellen' AS problem, p.fylkesnummer AS hva, NULL::BIGINT AS verdi
FROM src_publisert_politikk_fylke p WHERE p.fylkesnummer NOT IN (SELECT fylkesnummer FROM fylke)
UNION ALL
SELECT 'fylkene summerer ikke til landstallet ' || f.aar, NULL, f.sum_ja - n.landstall
FROM (SELECT aar, sum(med_politikk) AS sum_ja FROM src_publisert_politikk_fylke GROUP BY aar) f
JOIN (SELECT aar, max(kommuner_med_politikk) AS landstall FROM src_publisert_politikk GROUP BY aar) n USING (aar)
WHERE f.sum_ja <> n.landstall
UNION ALL
SELECT 'rad uten kilde', per, NULL FROM src_publisert_politikk WHERE kilde IS NULL OR trim(kilde) = ''
UNION ALL
SELECT 'fylkesrad uten kilde', fylkesnummer, NULL FROM src_publisert_politikk_fylke WHERE kilde IS NULL OR trim(kilde) = '';
