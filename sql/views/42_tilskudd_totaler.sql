-- Published national totals per grant scheme and year beside the sums of the files, with the reconciliation
-- (sql/checks/tsk_tilskudd_avstemming.sql fails the build where they disagree), and explanation texts.
-- Tolerance: 0 kr where status is 'publisert', 'interpolert' or 'antatt' (the files are expected to add up to the
-- krone); 500 000 kr where status is 'publisert (avrundet)' (figures published in whole millions, 'om lag
-- 717 mill. kr': half the rounding unit). Counts of givers are compared exactly where published, and not for
-- rounded rows; recipient counts are shown but not compared (published counts are approximate, 'over 35 000').

CREATE OR REPLACE VIEW tilskudd_totaler AS
WITH filer AS (
    SELECT 'grasrotandel' AS ordning, aar, sum(belop)::DECIMAL(18, 2) AS utbetalt, NULL::DECIMAL(18, 2) AS sokt,
           count(DISTINCT orgnr) AS mottakere, sum(givere)::BIGINT AS givere
    FROM src_grasrotandel GROUP BY aar
    UNION ALL
    SELECT 'momskompensasjon', aar, sum(utbetalt)::DECIMAL(18, 2), sum(sokt)::DECIMAL(18, 2),
           count(DISTINCT orgnr), NULL
    FROM src_momskompensasjon GROUP BY aar
),
sammen AS (
    SELECT
        coalesce(t.ordning, f.ordning) AS ordning,
        coalesce(t.aar, f.aar) AS aar,
        t.status, t.kilde, t.merknad,
        t.utbetalt AS publisert_utbetalt, t.sokt AS publisert_sokt,
        t.mottakere AS publisert_mottakere, t.givere AS publisert_givere,
        f.utbetalt AS filer_utbetalt, f.sokt AS filer_sokt, f.mottakere AS filer_mottakere, f.givere AS filer_givere,
        CASE WHEN t.status = 'publisert (avrundet)' THEN 500000 ELSE 0 END::DECIMAL(18, 2) AS toleranse_kr
    FROM src_tilskudd_totaler t
    FULL JOIN filer f ON f.ordning = t.ordning AND f.aar = t.aar
)
SELECT
    ordning, aar, status, kilde, merknad,
    publisert_utbetalt, filer_utbetalt, filer_utbetalt - publisert_utbetalt AS differanse_utbetalt,
    publisert_sokt, filer_sokt, filer_sokt - publisert_sokt AS differanse_sokt,
    publisert_mottakere, filer_mottakere,
    publisert_givere, filer_givere,
    toleranse_kr,
    CASE
        WHEN publisert_utbetalt IS NULL OR filer_utbetalt IS NULL THEN NULL
        ELSE abs(filer_utbetalt - publisert_utbetalt) <= toleranse_kr
             AND (publisert_sokt IS NULL OR abs(filer_sokt - publisert_sokt) <= toleranse_kr)
             AND (publisert_givere IS NULL OR status = 'publisert (avrundet)' OR filer_givere = publisert_givere)
    END AS avstemt
FROM sammen
ORDER BY ordning, aar;

CREATE OR REPLACE VIEW tilskudd_tekst AS
WITH siste AS (
    SELECT aar, andel_oslo FROM stg_moms_oslo ORDER BY aar DESC LIMIT 1
)
SELECT 'momskompensasjon_sted' AS nokkel,
       'Om lag ' || round(100 * andel_oslo)::INTEGER || ' % av momskompensasjonen (' || aar || ') er registrert på '
       || 'mottakere i Oslo, fordi landsdekkende organisasjoner (sentralledd) har hovedkontoret sitt der. Kart og '
       || 'tall per kommune og fylke viser derfor hvor hovedkontorene ligger, ikke hvor den frivillige aktiviteten '
       || 'foregår.' AS tekst
FROM siste
UNION ALL
SELECT 'momskompensasjon_om',
       'Momskompensasjon for frivillige organisasjoner forvaltes av Lotteri- og stiftelsestilsynet. Søkt beløp '
       || 'avkortes når rammen ikke dekker alle søknadene.'
UNION ALL
SELECT 'grasrotandelen_om',
       'Grasrotandelen: spillere hos Norsk Tipping gir 7 % av innsatsen til en organisasjon de velger selv. '
       || 'Mottakere plasseres etter adressen i Enhetsregisteret (2024-kommuner).'
UNION ALL
SELECT 'andel_registrerte_om',
       'Andel registrerte som mottar: mottakere av grasrotandelen delt på organisasjoner registrert i '
       || 'Frivillighetsregisteret ved utgangen av året i samme område.';
