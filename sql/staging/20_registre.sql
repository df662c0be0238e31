-- Registers (Enhetsregisteret, Frivillighetsregisteret, ICNPO): one row per voluntary organisation.

CREATE OR REPLACE TABLE stg_icnpo AS
SELECT
    k.icnpo_kode,
    k.navn,
    k.gruppe_kode,
    g.navn AS gruppenavn,
    k.er_gruppe
FROM src_icnpo_kategori k
LEFT JOIN src_icnpo_kategori g ON g.icnpo_kode = k.gruppe_kode AND g.er_gruppe;

-- Voluntary organisations: every entity on Frivillighetsregisteret's list that exists in Enhetsregisteret,
-- plus associations and foundations (FLI, STI) that are not registered there.
CREATE OR REPLACE TABLE stg_organisasjon AS
SELECT
    e.orgnr,
    e.navn,
    e.organisasjonsform,
    e.naeringskode,
    k.kommunenummer,
    left(k.kommunenummer, 2) AS fylkesnummer,
    k.kilde AS kommune_kilde,
    CASE k.kilde WHEN 'forretningsadresse' THEN e.forretning_poststed WHEN 'postadresse' THEN e.post_poststed
                 ELSE coalesce(e.forretning_poststed, e.post_poststed) END AS poststed,
    f.orgnr IS NOT NULL AS i_frivillighetsregisteret,
    f.icnpo_primaer,
    CASE WHEN f.icnpo_primaer IS NOT NULL
         THEN CASE WHEN length(f.icnpo_primaer) >= 4 THEN left(f.icnpo_primaer, length(f.icnpo_primaer) - 3)
                   ELSE f.icnpo_primaer END
    END AS icnpo_gruppe,
    CASE WHEN f.orgnr IS NOT NULL
         THEN coalesce(f.forste_gang_innfoert, f.innfoert_dato, e.registrert_frivillig_enhet) END
        AS registrert_frivillighetsregisteret,
    e.stiftelsesdato,
    e.registrert_enhetsregisteret,
    e.konkurs,
    e.under_avvikling,
    e.under_tvangsavvikling,
    CASE WHEN f.orgnr IS NULL THEN false ELSE f.grasrot_deltar END AS grasrot_deltar
FROM src_enhet e
LEFT JOIN src_frivillig_organisasjon f USING (orgnr)
LEFT JOIN ref_organisasjon_kommune k USING (orgnr)
WHERE f.orgnr IS NOT NULL OR e.organisasjonsform IN ('FLI', 'STI')
ORDER BY e.orgnr;
