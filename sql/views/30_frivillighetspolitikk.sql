-- Public views on municipal volunteer policy: survey rounds in today's borders and in their own, shares,
-- measures against having a policy, Frivillighet Norge's published figures, and the county comparison.

CREATE OR REPLACE VIEW frivillighetspolitikk AS
SELECT
    p.kommunenummer,
    k.kommunenavn,
    k.fylkesnummer,
    k.fylkesnavn,
    k.storrelsesgruppe_kode,
    k.storrelsesgruppe,
    p.runde,
    p.status,
    p.status <> 'ukjent' AS svart,
    p.vedtaksaar,
    p.koordinator,
    p.frivillighetsraad,
    p.samarbeidsplattform,
    p.gratis_lokaler,
    p.tilskuddsordning,
    p.antall_frivilligsentraler,
    p.kodeaar < 2024 AS harmonisert,
    p.antall_forgjengere,
    p.forgjengere_svart,
    p.forgjengere_ja,
    p.forgjengere
FROM mart_politikk_kommune p
JOIN kommune k ON k.kommunenummer = p.kommunenummer;

CREATE OR REPLACE VIEW frivillighetspolitikk_runde AS
WITH i_dag AS (  -- per code and year: the 2024 municipalities it lies in, listed and counted
    SELECT m.aar, m.kode,
           string_agg(m.kommunenummer_2024 || ' ' || k.kommunenavn, ', ' ORDER BY m.kommunenummer_2024)
               AS kommuner_2024,
           count(DISTINCT m.kommunenummer_2024) AS antall_kommuner_2024
    FROM ref_kommunekode_mapping m JOIN kommune k ON k.kommunenummer = m.kommunenummer_2024
    GROUP BY m.aar, m.kode)
SELECT
    r.runde,
    r.kodeaar,
    r.kode,
    r.navn,
    r.status,
    r.status <> 'ukjent' AS svart,
    r.levert,
    r.vedtaksaar,
    r.koordinator,
    r.frivillighetsraad,
    r.samarbeidsplattform,
    r.gratis_lokaler,
    r.tilskuddsordning,
    r.antall_frivilligsentraler,
    r.innsendt,
    d.kommuner_2024,
    coalesce(d.antall_kommuner_2024, 0) AS antall_kommuner_2024
FROM stg_politikk_runde r
LEFT JOIN i_dag d ON d.kode = r.kode AND d.aar = r.kodeaar;

CREATE OR REPLACE VIEW frivillighetspolitikk_andel AS
WITH base AS (
    SELECT p.runde, p.status, p.status = 'ja' AND p.forgjengere_ja < p.antall_forgjengere AS ja_delvis,
           k.kommunenummer, k.fylkesnummer, k.fylkesnavn,
           k.storrelsesgruppe_kode, k.storrelsesgruppe, b.folketall
    FROM frivillighetspolitikk p
    JOIN kommune k USING (kommunenummer)
    LEFT JOIN befolkning b ON b.nivaa = 'kommune' AND b.kode = p.kommunenummer AND b.aar = p.runde
), grupper AS (
    SELECT 'land' AS nivaa, '0' AS kode, 'Hele landet' AS navn, * FROM base
    UNION ALL
    SELECT 'fylke', fylkesnummer, fylkesnavn, * FROM base
    UNION ALL
    SELECT 'storrelsesgruppe', storrelsesgruppe_kode::VARCHAR, storrelsesgruppe, * FROM base
), tall AS (
    SELECT nivaa, kode, navn, runde,
        count(*) AS antall_kommuner,
        count(*) FILTER (WHERE status <> 'ukjent') AS svart,
        count(*) FILTER (WHERE status = 'ja') AS ja,
        count(*) FILTER (WHERE status = 'nei') AS nei,
        count(*) FILTER (WHERE status = 'under_arbeid') AS under_arbeid,
        count(*) FILTER (WHERE status = 'vet_ikke') AS vet_ikke,
        count(*) FILTER (WHERE status = 'ukjent') AS ukjent,
        sum(folketall)::BIGINT AS folketall,
        count(*) FILTER (WHERE ja_delvis) AS ja_delvis,
        coalesce(sum(folketall) FILTER (WHERE status = 'ja'), 0)::BIGINT AS folketall_ja,
        coalesce(sum(folketall) FILTER (WHERE status = 'ja' AND NOT ja_delvis), 0)::BIGINT AS folketall_ja_minst
    FROM grupper
    GROUP BY nivaa, kode, navn, runde
)
SELECT
    nivaa, kode, navn, runde,
    antall_kommuner, svart, ja, nei, under_arbeid, vet_ikke, ukjent,
    100.0 * ja / antall_kommuner AS andel_ja_alle,
    100.0 * ja / nullif(svart, 0) AS andel_ja_svarte,
    100.0 * svart / antall_kommuner AS svarprosent,
    folketall,
    folketall_ja,
    100.0 * folketall_ja / nullif(folketall, 0) AS andel_befolkning_ja,
    ja_delvis,
    folketall_ja_minst,
    100.0 * folketall_ja_minst / nullif(folketall, 0) AS andel_befolkning_ja_minst
FROM tall;

CREATE OR REPLACE VIEW frivillighetspolitikk_runde_andel AS
SELECT
    runde,
    min(kodeaar) AS kodeaar,
    count(*) AS antall_kommuner,
    count(*) FILTER (WHERE status <> 'ukjent') AS svart,
    count(*) FILTER (WHERE status = 'ja') AS ja,
    count(*) FILTER (WHERE status = 'nei') AS nei,
    count(*) FILTER (WHERE status = 'under_arbeid') AS under_arbeid,
    count(*) FILTER (WHERE status = 'vet_ikke') AS vet_ikke,
    count(*) FILTER (WHERE status = 'ukjent') AS ukjent,
    100.0 * count(*) FILTER (WHERE status = 'ja') / count(*) AS andel_ja_alle,
    100.0 * count(*) FILTER (WHERE status = 'ja') / nullif(count(*) FILTER (WHERE status <> 'ukjent'), 0)
        AS andel_ja_svarte,
    100.0 * count(*) FILTER (WHERE status <> 'ukjent') / count(*) AS svarprosent
FROM stg_politikk_runde
GROUP BY runde;

CREATE OR REPLACE VIEW frivillighetspolitikk_tiltak AS
WITH svarte AS (
    SELECT runde, status = 'ja' AS har_politikk,
        coalesce(koordinator, 'ikke_svart') AS koordinator,
        coalesce(frivillighetsraad, 'ikke_svart') AS frivillighetsraad,
        coalesce(samarbeidsplattform, 'ikke_svart') AS samarbeidsplattform,
        coalesce(gratis_lokaler, 'ikke_svart') AS gratis_lokaler,
        coalesce(tilskuddsordning, 'ikke_svart') AS tilskuddsordning,
        CASE WHEN antall_frivilligsentraler > 0 THEN 'ja' WHEN antall_frivilligsentraler = 0 THEN 'nei'
             ELSE 'ikke_svart' END AS frivilligsentral
    FROM stg_politikk_runde
    WHERE status <> 'ukjent'
), lang AS (
    UNPIVOT svarte
    ON koordinator, frivillighetsraad, samarbeidsplattform, gratis_lokaler, tilskuddsordning, frivilligsentral
    INTO NAME tiltak VALUE svar
), tall AS (
    SELECT runde, tiltak, har_politikk, svar, count(*) AS antall
    FROM lang
    GROUP BY ALL
)
SELECT
    runde,
    tiltak,
    CASE tiltak WHEN 'koordinator' THEN 'Frivillighetskoordinator'
                WHEN 'frivillighetsraad' THEN 'Frivillighetsråd eller -forum'
                WHEN 'samarbeidsplattform' THEN 'Lokal samarbeidsplattform med frivilligheten'
                WHEN 'gratis_lokaler' THEN 'Gratis lokaler til lag og foreninger'
                WHEN 'tilskuddsordning' THEN 'Tilskuddsordning for lag og foreninger'
                WHEN 'frivilligsentral' THEN 'Minst én frivilligsentral' END AS tiltak_navn,
    har_politikk,
    svar,
    antall,
    100.0 * antall / sum(antall) OVER (PARTITION BY runde, tiltak, har_politikk) AS andel
FROM tall;

CREATE OR REPLACE VIEW publisert_frivillighetspolitikk AS
SELECT
    per,
    aar,
    maaned,
    kommuner_med_politikk,
    antall_kommuner,
    andel_prosent,
    100.0 * kommuner_med_politikk / antall_kommuner AS andel_beregnet,
    kilde,
    url,
    merknad
FROM src_publisert_politikk;

CREATE OR REPLACE VIEW publisert_frivillighetspolitikk_fylke AS
SELECT
    p.aar,
    (SELECT max(n.per) FROM src_publisert_politikk n WHERE n.aar = p.aar AND n.kommuner_med_politikk IS NOT NULL)
        AS per,
    p.fylkesnummer,
    p.fylkesnavn,
    p.med_politikk,
    p.antall_kommuner,
    100.0 * p.med_politikk / p.antall_kommuner AS andel_prosent,
    f.antall_kommuner AS antall_kommuner_2024,
    p.kilde,
    p.url
FROM src_publisert_politikk_fylke p
LEFT JOIN fylke f ON f.fylkesnummer = p.fylkesnummer;

CREATE OR REPLACE VIEW frivillighetspolitikk_fylke_sammenligning AS
WITH undersokelse AS (
    SELECT runde, kode AS fylkesnummer, ja, svart, antall_kommuner
    FROM frivillighetspolitikk_andel WHERE nivaa = 'fylke'
), par AS (
    SELECT p.aar, f.fylkesnummer, f.fylkesnavn,
        p.med_politikk AS publisert_med_politikk,
        p.antall_kommuner AS publisert_antall_kommuner,
        u.ja AS undersokelse_ja,
        u.svart AS undersokelse_svart,
        f.antall_kommuner,
        u.ja - p.med_politikk AS differanse_ja,
        f.antall_kommuner - p.antall_kommuner AS differanse_kommuner,
        p.kilde, p.url
    FROM src_publisert_politikk_fylke p
    JOIN fylke f ON f.fylkesnummer = p.fylkesnummer
    LEFT JOIN undersokelse u ON u.fylkesnummer = p.fylkesnummer AND u.runde = p.aar
), summer AS (
    SELECT aar, sum(publisert_antall_kommuner) AS publisert_kommuner, sum(antall_kommuner) AS kommuner,
        sum(publisert_med_politikk) AS publisert_ja, sum(undersokelse_ja) AS undersokelse_ja
    FROM par GROUP BY aar
), motpart AS (
    SELECT a.aar, a.fylkesnummer,
        string_agg(format('{} (undersøkelsen {}, tabellen {})', b.fylkesnavn, b.undersokelse_ja,
                          b.publisert_med_politikk), ', ' ORDER BY b.fylkesnummer) AS andre,
        sum(b.differanse_ja) AS andre_differanse,
        sum(b.undersokelse_ja) AS andre_ja
    FROM par a JOIN par b ON b.aar = a.aar AND b.fylkesnummer <> a.fylkesnummer AND b.differanse_ja <> 0
    WHERE a.differanse_ja <> 0
    GROUP BY a.aar, a.fylkesnummer
)
SELECT
    p.aar,
    p.fylkesnummer,
    p.fylkesnavn,
    p.publisert_med_politikk,
    p.publisert_antall_kommuner,
    p.undersokelse_ja,
    p.undersokelse_svart,
    p.antall_kommuner,
    p.differanse_ja,
    p.differanse_kommuner,
    p.differanse_ja = 0 AND p.differanse_kommuner = 0 AS stemmer,
    CASE WHEN p.undersokelse_ja IS NULL THEN
        format('Kommuneundersøkelsen har ingen runde i {}; bare Frivillighet Norges tall vises.', p.aar)
    WHEN p.differanse_ja = 0 AND p.differanse_kommuner = 0 THEN
        format('Frivillighet Norges tabell og kommuneundersøkelsen stemmer overens: {} av {} kommuner har vedtatt '
               'frivillighetspolitikk.', p.undersokelse_ja, p.antall_kommuner)
    ELSE concat_ws(' ',
        CASE WHEN p.differanse_kommuner <> 0 THEN
            format('Frivillighet Norges tabell oppgir {} kommuner i {}, men fylket har {} kommuner etter '
                   'kommune- og fylkesinndelingen fra 1. januar {}. Tabellens kommuneantall summerer til {} for '
                   'landet, mens Norge hadde {} kommuner: tabellen bygger på en annen fordeling av kommunene på '
                   'fylkene enn dagens, så andelen i tabellen for dette fylket er regnet med et annet antall kommuner enn fylket har i dag.',
                   p.publisert_antall_kommuner, p.fylkesnavn, p.antall_kommuner, p.aar, s.publisert_kommuner,
                   s.kommuner) END,
        CASE WHEN p.publisert_med_politikk > p.antall_kommuner THEN
            format('Tabellen oppgir {} kommuner med politikk, flere enn de {} kommunene fylket har.',
                   p.publisert_med_politikk, p.antall_kommuner) END,
        CASE WHEN p.differanse_ja = 0 THEN
            format('Antallet kommuner med vedtatt politikk er det samme i begge: {}.', p.undersokelse_ja)
        ELSE
            format('Kommuneundersøkelsen {} har {} kommuner med vedtatt politikk her, tabellen {}.', p.aar,
                   p.undersokelse_ja, p.publisert_med_politikk) END,
        CASE WHEN p.differanse_ja <> 0 AND m.andre IS NOT NULL AND m.andre_differanse = -p.differanse_ja THEN
            format('Avviket motsvares av {}: til sammen er tallet det samme i begge ({}){}. Trolig er {} med politikk ført i feil fylke i tabellen.', m.andre, p.undersokelse_ja + m.andre_ja,
                   CASE WHEN s.publisert_ja = s.undersokelse_ja
                        THEN format(', og for hele landet er det {} i begge', s.undersokelse_ja) ELSE '' END,
                   CASE WHEN abs(p.differanse_ja) = 1 THEN '1 kommune'
                        ELSE abs(p.differanse_ja) || ' kommuner' END)
        WHEN p.differanse_ja <> 0 THEN
            'Tabellen er Frivillighet Norges egen opptelling, undersøkelsen er kommunenes egne svar; de kan '
            'avvike når en kommune har svart annerledes enn opptellingen.' END)
    END AS forklaring,
    p.kilde,
    p.url
FROM par p
JOIN summer s USING (aar)
LEFT JOIN motpart m USING (aar, fylkesnummer);

CREATE OR REPLACE VIEW frivillighetspolitikk_tidsserie AS
SELECT aar, per, 'publisert' AS kilde_type, kilde,
    kommuner_med_politikk, antall_kommuner,
    coalesce(andel_prosent, 100.0 * kommuner_med_politikk / antall_kommuner) AS andel_prosent, merknad
FROM src_publisert_politikk
UNION ALL
SELECT runde, runde::VARCHAR, 'undersokelse_runde',
    format('Kommuneundersøkelsen {}, kommuneinndelingen i {}', runde, kodeaar),
    ja, antall_kommuner, andel_ja_alle,
    format('{} av {} kommuner svarte ({} %); kommuner som ikke svarte regnes ikke som «nei»', svart,
           antall_kommuner, round(svarprosent)::INTEGER)
FROM frivillighetspolitikk_runde_andel
UNION ALL
SELECT runde, runde::VARCHAR, 'undersokelse_2024_grenser',
    format('Kommuneundersøkelsen {}, omregnet til kommuneinndelingen i 2024', runde),
    ja, antall_kommuner, andel_ja_alle,
    CASE WHEN runde < 2024 THEN 'En kommune i dag regnes med politikk hvis minst én av kommunene den består av '
                                'svarte ja' END
FROM frivillighetspolitikk_andel WHERE nivaa = 'land';
