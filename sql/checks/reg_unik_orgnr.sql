-- Registers: no organisation number twice in organisasjon or organisasjon_kategori, all are 9 digits, and only registered organisations or FLI/STI are in organisasjon.
SELECT 'orgnr flere ganger' AS problem, orgnr, count(*) AS antall FROM organisasjon GROUP BY orgnr HAVING count(*) > 1
UNION ALL
SELECT 'kategori flere ganger', orgnr || ' ' || icnpo_kode, count(*) FROM organisasjon_kategori
GROUP BY orgnr, icnpo_kode HAVING count(*) > 1
UNION ALL
SELECT 'orgnr ikke 9 sifre', orgnr, 1 FROM organisasjon WHERE NOT regexp_full_match(orgnr, '[0-9]{9}')
UNION ALL
SELECT 'verken registrert eller FLI/STI: ' || organisasjonsform, orgnr, 1 FROM organisasjon
WHERE NOT i_frivillighetsregisteret AND organisasjonsform NOT IN ('FLI', 'STI');
