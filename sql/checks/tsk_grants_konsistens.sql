-- Grant views keep every krone of the files: the country equals the files, municipalities plus unplaced recipients equal the country, counties equal their municipalities, ICNPO groups equal their place.
WITH filer AS (
    SELECT 'grasrotandel' AS ordning, aar, sum(belop) AS belop FROM src_grasrotandel GROUP BY aar
    UNION ALL SELECT 'momskompensasjon', aar, sum(utbetalt) FROM src_momskompensasjon GROUP BY aar
),
ind AS (
    SELECT 'grasrotandel' AS ordning, nivaa, kode, aar, belop FROM grasrot_indikator
    UNION ALL SELECT 'momskompensasjon', nivaa, kode, aar, utbetalt FROM moms_indikator
),
uplassert AS (
    SELECT 'grasrotandel' AS ordning, aar, sum(belop) AS belop FROM grasrotandel WHERE kommunenummer IS NULL GROUP BY aar
    UNION ALL
    SELECT 'momskompensasjon', aar, sum(utbetalt) FROM momskompensasjon WHERE kommunenummer IS NULL GROUP BY aar
),
icnpo AS (
    SELECT 'grasrotandel' AS ordning, nivaa, kode, aar, sum(belop) AS belop FROM grasrot_icnpo GROUP BY ALL
    UNION ALL SELECT 'momskompensasjon', nivaa, kode, aar, sum(utbetalt) FROM moms_icnpo GROUP BY ALL
)
SELECT 'landet ≠ filene' AS problem, f.ordning, f.aar, NULL AS kode, f.belop AS forventet, i.belop AS faktisk
FROM filer f LEFT JOIN ind i ON i.ordning = f.ordning AND i.aar = f.aar AND i.nivaa = 'land'
WHERE i.belop IS DISTINCT FROM f.belop
UNION ALL
SELECT 'kommunene + uplasserte ≠ landet', l.ordning, l.aar, NULL, l.belop, k.belop + coalesce(u.belop, 0)
FROM ind l
JOIN (SELECT ordning, aar, sum(belop) AS belop FROM ind WHERE nivaa = 'kommune' GROUP BY ALL) k USING (ordning, aar)
LEFT JOIN uplassert u USING (ordning, aar)
WHERE l.nivaa = 'land' AND k.belop + coalesce(u.belop, 0) <> l.belop
UNION ALL
SELECT 'fylket ≠ kommunene', f.ordning, f.aar, f.kode, f.belop, k.belop
FROM ind f
JOIN (SELECT ordning, aar, left(kode, 2) AS kode, sum(belop) AS belop FROM ind WHERE nivaa = 'kommune' GROUP BY ALL) k
    USING (ordning, aar, kode)
WHERE f.nivaa = 'fylke' AND f.belop <> k.belop
UNION ALL
SELECT 'ICNPO-gruppene ≠ stedet', i.ordning, i.aar, i.kode, i.belop, c.belop
FROM ind i JOIN icnpo c USING (ordning, nivaa, kode, aar)
WHERE c.belop <> i.belop;
