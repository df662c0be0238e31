-- Survey rounds in their own borders: every municipality code valid in the round's year, with its answer
-- (the latest one, see etl/sources/kommuneundersokelse.py) or status 'ukjent' when it did not answer.

CREATE OR REPLACE TABLE stg_politikk_runde AS
WITH runder AS (
    SELECT DISTINCT runde, kodeaar FROM src_kommuneundersokelse
), koder AS (
    SELECT DISTINCT r.runde, r.kodeaar, m.kode
    FROM runder r
    JOIN ref_kommunekode_mapping m ON m.aar = r.kodeaar
)
SELECT
    k.runde,
    k.kodeaar,
    k.kode,
    (SELECT min(n.navn) FROM ref_kommunenavn n
     WHERE n.kode = k.kode AND k.kodeaar BETWEEN n.gyldig_fra AND n.gyldig_til) AS navn,
    coalesce(s.status, 'ukjent') AS status,
    s.kommunenummer IS NOT NULL AS levert,
    s.svar_politikk,
    s.vedtaksaar,
    s.koordinator,
    s.frivillighetsraad,
    s.samarbeidsplattform,
    s.gratis_lokaler,
    s.tilskuddsordning,
    s.antall_frivilligsentraler,
    s.innsendt,
    s.respondent_id,
    s.fil,
    s.rad
FROM koder k
LEFT JOIN src_kommuneundersokelse s ON s.runde = k.runde AND s.kommunenummer = k.kode;
