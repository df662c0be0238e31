-- Policy status and measure answers use only the documented values (status ja/nei/under_arbeid/vet_ikke/ukjent; measures ja/nei/vet_ikke, gratis lokaler also delvis).
WITH alle AS (
    SELECT 'frivillighetspolitikk' AS kilde, runde, kommunenummer AS kode, status, koordinator, frivillighetsraad,
        samarbeidsplattform, gratis_lokaler, tilskuddsordning, antall_frivilligsentraler, vedtaksaar
    FROM frivillighetspolitikk
    UNION ALL
    SELECT 'frivillighetspolitikk_runde', runde, kode, status, koordinator, frivillighetsraad, samarbeidsplattform,
        gratis_lokaler, tilskuddsordning, antall_frivilligsentraler, vedtaksaar
    FROM frivillighetspolitikk_runde
)
SELECT kilde, runde, kode, status, koordinator, gratis_lokaler FROM alle
WHERE status NOT IN ('ja', 'nei', 'under_arbeid', 'vet_ikke', 'ukjent')
   OR coalesce(koordinator, 'ja') NOT IN ('ja', 'nei', 'vet_ikke')
   OR coalesce(frivillighetsraad, 'ja') NOT IN ('ja', 'nei', 'vet_ikke')
   OR coalesce(samarbeidsplattform, 'ja') NOT IN ('ja', 'nei', 'vet_ikke')
   OR coalesce(tilskuddsordning, 'ja') NOT IN ('ja', 'nei', 'vet_ikke')
   OR coalesce(gratis_lokaler, 'ja') NOT IN ('ja', 'delvis', 'nei', 'vet_ikke')
   OR antall_frivilligsentraler < 0
   OR vedtaksaar > runde;
