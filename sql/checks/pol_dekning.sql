-- Every survey round lists each municipality code valid in its year once (422/356/357), and frivillighetspolitikk has each 2024 municipality once per round.
SELECT 'feil antall koder i runden' AS problem, r.runde, NULL AS kode, count(*) AS antall
FROM stg_politikk_runde r
GROUP BY r.runde
HAVING count(*) <> (SELECT count(DISTINCT m.kode) FROM ref_kommunekode_mapping m WHERE m.aar = min(r.kodeaar))
UNION ALL
SELECT 'kode to ganger i runden', runde, kode, count(*) FROM stg_politikk_runde GROUP BY runde, kode HAVING count(*) > 1
UNION ALL
SELECT 'svar uten kode i runden', s.runde, s.kommunenummer, 1 FROM src_kommuneundersokelse s
WHERE NOT EXISTS (SELECT 1 FROM stg_politikk_runde r WHERE r.runde = s.runde AND r.kode = s.kommunenummer)
UNION ALL
SELECT 'kode uten navn', runde, kode, 1 FROM stg_politikk_runde WHERE navn IS NULL
UNION ALL
SELECT 'ikke 357 kommuner i dagens inndeling', runde, NULL, count(*) FROM frivillighetspolitikk
GROUP BY runde HAVING count(*) <> 357 OR count(DISTINCT kommunenummer) <> 357;
