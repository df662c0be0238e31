-- Registers: every organisation registered in Frivillighetsregisteret has a primary ICNPO category that is a known leaf category with a group (unless _avvik logs it as missing_icnpo), and exactly one primary row in organisasjon_kategori.
SELECT 'mangler primærkategori' AS problem, o.orgnr, o.icnpo_primaer AS verdi
FROM organisasjon o
WHERE o.i_frivillighetsregisteret AND o.icnpo_primaer IS NULL
  AND o.orgnr NOT IN (SELECT value FROM _avvik WHERE code = 'missing_icnpo' AND value IS NOT NULL)
UNION ALL
SELECT 'ukjent kategori eller gruppe', o.orgnr, o.icnpo_primaer
FROM organisasjon o
WHERE o.icnpo_primaer IS NOT NULL
  AND (o.icnpo_primaer_navn IS NULL OR o.icnpo_gruppenavn IS NULL
       OR o.icnpo_primaer NOT IN (SELECT icnpo_kode FROM icnpo_kategori WHERE NOT er_gruppe))
UNION ALL
SELECT 'antall primærrader ≠ 1', orgnr, CAST(count(*) FILTER (WHERE primaer) AS VARCHAR)
FROM organisasjon_kategori GROUP BY orgnr HAVING count(*) FILTER (WHERE primaer) <> 1;
