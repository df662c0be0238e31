-- Registers: every organisation's kommunenummer is a 2024 municipality with the matching county; one without a municipality has an _avvik row saying why.
SELECT 'ukjent kommunenummer' AS problem, orgnr, kommunenummer AS verdi FROM organisasjon
WHERE kommunenummer IS NOT NULL AND kommunenummer NOT IN (SELECT kommunenummer FROM kommune)
UNION ALL
SELECT 'feil fylkesnummer', orgnr, fylkesnummer FROM organisasjon
WHERE kommunenummer IS NOT NULL AND fylkesnummer IS DISTINCT FROM left(kommunenummer, 2)
UNION ALL
SELECT 'uten kommune og uten avvik', o.orgnr, NULL FROM organisasjon o
WHERE o.kommunenummer IS NULL AND NOT EXISTS (
    SELECT 1 FROM _avvik a WHERE a.source_id = 'enhetsregisteret'
      AND a.code IN ('unknown_municipality', 'no_municipality') AND a.message LIKE o.orgnr || ':%');
