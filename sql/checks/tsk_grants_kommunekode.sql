-- At most 1 % of the rows of a grant file have a municipality code that was not valid in the file's year (more means the file's year or codes are wrong).
WITH rader AS (
    SELECT fil, aar, kommunenummer FROM src_grasrotandel
    UNION ALL SELECT fil, aar, kommunenummer FROM src_momskompensasjon
)
SELECT r.fil, r.aar, count(*) AS rader,
       count(*) FILTER (WHERE m.kode IS NULL) AS ugyldige_koder,
       list(DISTINCT r.kommunenummer) FILTER (WHERE m.kode IS NULL)[1:10] AS eksempler
FROM rader r
LEFT JOIN (SELECT DISTINCT kode, aar FROM ref_kommunekode_mapping) m ON m.kode = r.kommunenummer AND m.aar = r.aar
GROUP BY r.fil, r.aar
HAVING count(*) FILTER (WHERE m.kode IS NULL) > 0.01 * count(*);
