-- Today's-border statuses follow the stated rule: a 2024 municipality is 'ja' exactly when a predecessor answered ja, 'nei' only when every predecessor answered nei, 'ukjent' when a predecessor did not answer and none said ja or under arbeid.
WITH forg AS (
    SELECT r.runde, m.kommunenummer_2024 AS kommunenummer,
        bool_or(r.status = 'ja') AS noen_ja,
        bool_or(r.status = 'under_arbeid') AS noen_under_arbeid,
        bool_or(r.status = 'ukjent') AS noen_ukjent,
        bool_and(r.status = 'nei') AS alle_nei
    FROM stg_politikk_runde r
    JOIN ref_kommunekode_mapping m ON m.kode = r.kode AND m.aar = r.kodeaar AND m.vekt > 0
    GROUP BY ALL
)
SELECT p.runde, p.kommunenummer, p.status, p.forgjengere
FROM frivillighetspolitikk p JOIN forg f USING (runde, kommunenummer)
WHERE (p.status = 'ja') <> f.noen_ja
   OR (p.status = 'nei') <> f.alle_nei
   OR (p.status = 'under_arbeid') <> (f.noen_under_arbeid AND NOT f.noen_ja)
   OR (p.status = 'ukjent') <> (f.noen_ukjent AND NOT f.noen_ja AND NOT f.noen_under_arbeid);
