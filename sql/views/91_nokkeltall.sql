-- Headline figures for the whole country, one row each; the build keeps the previous build's values in _build.

CREATE OR REPLACE VIEW nokkeltall AS
WITH org AS (
    SELECT * FROM organisasjoner_indikator WHERE nivaa = 'land' AND aar = (SELECT max(aar) FROM organisasjoner_indikator)
), pol AS (
    SELECT * FROM frivillighetspolitikk_andel WHERE nivaa = 'land'
      AND runde = (SELECT max(runde) FROM frivillighetspolitikk_andel)
), gr AS (
    SELECT * FROM grasrot_indikator WHERE nivaa = 'land' AND aar = (SELECT max(aar) FROM grasrot_indikator)
), mo AS (
    SELECT * FROM moms_indikator WHERE nivaa = 'land' AND aar = (SELECT max(aar) FROM moms_indikator)
)
SELECT * FROM (
    SELECT 1 AS rekkefolge, 'organisasjoner' AS nokkel, 'Registrerte frivillige organisasjoner' AS navn,
           aar, antall::DOUBLE AS verdi FROM org
    UNION ALL SELECT 2, 'frivilligsentraler', 'Frivilligsentraler', aar, frivilligsentraler FROM org
    UNION ALL SELECT 3, 'per_1000', 'Organisasjoner per 1 000 innbyggere', aar, round(per_1000, 2) FROM org
    UNION ALL SELECT 4, 'kommuner_med_politikk', 'Kommuner med frivillighetspolitikk', runde, ja FROM pol
    UNION ALL SELECT 5, 'grasrot_belop', 'Grasrotandelen, utbetalt (kr)', aar, belop FROM gr
    UNION ALL SELECT 6, 'moms_utbetalt', 'Momskompensasjon, utbetalt (kr)', aar, utbetalt FROM mo
    UNION ALL SELECT 7, 'kilder', 'Innlastede filer', NULL, (SELECT count(*) FROM _sources)
) ORDER BY rekkefolge;

CREATE OR REPLACE VIEW nokkeltall_endring AS
WITH forrige AS (
    SELECT (x ->> 'nokkel') AS nokkel, (x ->> 'aar')::INTEGER AS aar, (x ->> 'verdi')::DOUBLE AS verdi
    FROM (SELECT unnest(CAST(forrige_nokkeltall AS JSON[])) AS x FROM _build WHERE forrige_nokkeltall IS NOT NULL)
)
SELECT n.rekkefolge, n.nokkel, n.navn, n.aar, n.verdi, f.aar AS forrige_aar, f.verdi AS forrige_verdi,
       n.verdi - f.verdi AS endring, (SELECT forrige_bygd FROM _build)::TIMESTAMP AS forrige_bygd
FROM nokkeltall n LEFT JOIN forrige f USING (nokkel)
ORDER BY n.rekkefolge;
