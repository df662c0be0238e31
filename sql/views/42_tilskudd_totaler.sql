-- National totals per grant scheme and year from published/tilskudd-totaler.csv beside the sums of the files, with
-- the reconciliation (sql/checks/tsk_tilskudd_avstemming.sql fails the build where they disagree), and explanation
-- texts.
--
-- What the totals file says was published. Its `status` is one per row and is about the amount paid
-- (`publisert_utbetalt`) only; the row's `merknad` says in words what else the source published ('over 35 000
-- mottakere', '24 055 organisasjoner (inkl. lokalledd)', '2,78 mrd. søkt'). The file's recipients, givers and
-- amount applied for are the values the (synthetic) grant files were made to add up to, published or not, so they
-- are `oppgitt_*` ('stated in the totals file'), never `publisert_*`. The amount applied for gets its own status
-- read from the merknad (`status_sokt`), and the number of organisations a source states ('24 055 organisasjoner')
-- is `publisert_organisasjoner`.
--
-- Tolerance: 0 kr where status is 'publisert', 'interpolert' or 'antatt' (the files are expected to add up to the
-- krone); 500 000 kr where status is 'publisert (avrundet)' (figures published in whole millions, 'om lag
-- 717 mill. kr': half the rounding unit). Counts of givers are compared exactly where stated, and not for rounded
-- rows; recipient counts are not compared. For 'interpolert' and 'antatt' rows the totals are not independent of
-- the files (they are the values the files were calibrated to), so `avstemt` there only guards the files against
-- change: it checks nothing about the lists.

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
        t.utbetalt AS publisert_utbetalt, t.sokt AS oppgitt_sokt,
        t.mottakere AS oppgitt_mottakere, t.givere AS oppgitt_givere,
        -- the amount applied for: as the paid amount where that is not published; else what the merknad says
        -- ('søkt beløp avledet': derived, not published; an amount before 'søkt', '2,78 mrd. søkt': published);
        -- a merknad that says nothing about it: not stated
        CASE
            WHEN t.sokt IS NULL THEN NULL
            WHEN t.status NOT LIKE 'publisert%' THEN t.status
            WHEN regexp_matches(t.merknad, 'søkt beløp avledet') THEN 'avledet'
            WHEN regexp_matches(t.merknad, '[0-9][0-9 ,]*\s*(mill\.|mrd\.)?\s*(kr\.?)?\s*søkt') THEN 'publisert'
            ELSE 'ikke oppgitt'
        END AS status_sokt,
        -- '24 055 organisasjoner (inkl. lokalledd)': organisations that received a share, as the source counts
        CASE WHEN t.status LIKE 'publisert%' THEN
            nullif(regexp_replace(regexp_extract(t.merknad, '([0-9][0-9 \xa0]*) organisasjoner', 1), '[ \xa0]',
                                  '', 'g'), '')::BIGINT
        END AS publisert_organisasjoner,
        f.utbetalt AS filer_utbetalt, f.sokt AS filer_sokt, f.mottakere AS filer_mottakere, f.givere AS filer_givere,
        CASE WHEN t.status = 'publisert (avrundet)' THEN 500000 ELSE 0 END::DECIMAL(18, 2) AS toleranse_kr
    FROM src_tilskudd_totaler t
    FULL JOIN filer f ON f.ordning = t.ordning AND f.aar = t.aar
)
SELECT
    ordning, aar, status, kilde, merknad,
    publisert_utbetalt, filer_utbetalt, filer_utbetalt - publisert_utbetalt AS differanse_utbetalt,
    status_sokt, oppgitt_sokt, filer_sokt, filer_sokt - oppgitt_sokt AS differanse_sokt,
    oppgitt_mottakere, filer_mottakere, publisert_organisasjoner,
    oppgitt_givere, filer_givere,
    toleranse_kr,
    CASE
        WHEN publisert_utbetalt IS NULL OR filer_utbetalt IS NULL THEN NULL
        ELSE abs(filer_utbetalt - publisert_utbetalt) <= toleranse_kr
             AND (oppgitt_sokt IS NULL OR abs(filer_sokt - oppgitt_sokt) <= toleranse_kr)
             AND (oppgitt_givere IS NULL OR status = 'publisert (avrundet)' OR filer_givere = oppgitt_givere)
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
