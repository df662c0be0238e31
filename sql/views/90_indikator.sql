-- Map indicators in one long table: every numeric indicator per level (kommune, fylke, land), code and year.

CREATE OR REPLACE VIEW indikator_definisjon AS
SELECT * FROM (VALUES
    ('org_per_1000', 'Frivillige organisasjoner per 1 000 innbyggere', 'per 1 000 innbyggere', 1,
     'frivillighetsregisteret,enhetsregisteret,befolkning',
     'Organisasjoner i Frivillighetsregisteret ved utgangen av året, per 1 000 innbyggere 1. januar året etter.', 1),
    ('org_antall', 'Registrerte frivillige organisasjoner', 'organisasjoner', 0,
     'frivillighetsregisteret,enhetsregisteret',
     'Organisasjoner i Frivillighetsregisteret ved utgangen av året (siste år: ved datouttaket).', 2),
    ('org_nye', 'Nye registreringer i Frivillighetsregisteret', 'organisasjoner', 0,
     'frivillighetsregisteret,enhetsregisteret', 'Organisasjoner registrert for første gang i løpet av året.', 3),
    ('frivilligsentraler', 'Frivilligsentraler', 'frivilligsentraler', 0,
     'frivillighetsregisteret,enhetsregisteret',
     'Organisasjoner med hovedkategori frivilligsentral (ICNPO 8200) i Frivillighetsregisteret.', 4),
    ('grasrot_kr_per_innbygger', 'Grasrotandelen, kroner per innbygger', 'kr per innbygger', 0,
     'grasrotandel,frivillighetsregisteret,enhetsregisteret,befolkning',
     'Utbetalt grasrotandel til mottakere i området, delt på folketallet 1. januar samme år.', 5),
    ('grasrot_andel_mottar', 'Andel registrerte organisasjoner som mottar grasrotandel', 'andel', 1,
     'grasrotandel,frivillighetsregisteret,enhetsregisteret',
     'Mottakere av grasrotandelen delt på organisasjoner i Frivillighetsregisteret ved utgangen av året.', 6),
    ('grasrot_andel_deltar', 'Andel organisasjoner som deltar i grasrotandelen', 'andel', 1,
     'frivillighetsregisteret,enhetsregisteret',
     'Organisasjoner som er påmeldt grasrotandelen, delt på registrerte organisasjoner (bare siste år).', 7),
    ('moms_kr_per_innbygger', 'Momskompensasjon, kroner per innbygger', 'kr per innbygger', 0,
     'momskompensasjon,frivillighetsregisteret,enhetsregisteret,befolkning',
     'Utbetalt momskompensasjon til mottakere registrert i området, per innbygger. Viser hvor hovedkontorene ligger, ikke hvor aktiviteten er.', 8),
    ('politikk_andel', 'Andel kommuner med vedtatt frivillighetspolitikk', 'andel', 0,
     'kommuneundersokelse',
     'Andel av alle kommuner i fylket som svarte ja i kommuneundersøkelsen. Kommuner som ikke svarte, er med i andelen som «ikke ja» (ukjent), ikke som «nei».', 9),
    ('folketall', 'Folketall 1. januar', 'innbyggere', 0, 'befolkning', 'SSB, tabell 07459 (2024-grenser).', 10)
) AS t(indikator, navn, enhet, desimaler, kilder, beskrivelse, rekkefolge);

-- A share carries its count and base (teller, nevner), so a page can show a small base as 'k av n' (the
-- dashboard's SMALL_BASE rule); the other indicators have none.
CREATE OR REPLACE VIEW indikator_verdi AS
SELECT 'org_per_1000' AS indikator, nivaa, kode, aar, per_1000 AS verdi, NULL::BIGINT AS teller,
       NULL::BIGINT AS nevner
FROM organisasjoner_indikator
UNION ALL
SELECT 'org_antall', nivaa, kode, aar, antall, NULL, NULL FROM organisasjoner_indikator
UNION ALL
SELECT 'org_nye', nivaa, kode, aar, nye, NULL, NULL FROM organisasjoner_indikator
UNION ALL
SELECT 'frivilligsentraler', nivaa, kode, aar, frivilligsentraler, NULL, NULL FROM organisasjoner_indikator
UNION ALL
SELECT 'grasrot_andel_deltar', nivaa, kode, aar, grasrot_andel, grasrot_deltar, antall FROM organisasjoner_indikator
WHERE grasrot_andel IS NOT NULL
UNION ALL
SELECT 'grasrot_kr_per_innbygger', nivaa, kode, aar, kr_per_innbygger, NULL, NULL FROM grasrot_indikator
UNION ALL
SELECT 'grasrot_andel_mottar', nivaa, kode, aar, andel_registrerte_mottar,
       CASE WHEN andel_registrerte_mottar IS NOT NULL THEN mottakere END,
       CASE WHEN andel_registrerte_mottar IS NOT NULL THEN registrerte END
FROM grasrot_indikator
UNION ALL
SELECT 'moms_kr_per_innbygger', nivaa, kode, aar, kr_per_innbygger, NULL, NULL FROM moms_indikator
UNION ALL
SELECT 'politikk_andel', nivaa, kode, runde, andel_ja_alle / 100.0, ja, antall_kommuner FROM frivillighetspolitikk_andel
WHERE nivaa IN ('fylke', 'land')
UNION ALL
SELECT 'folketall', nivaa, kode, aar, folketall, NULL, NULL FROM befolkning WHERE aar BETWEEN 2009 AND 2026;
