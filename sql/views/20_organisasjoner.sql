-- Registers: voluntary organisations (Enhetsregisteret + Frivillighetsregisteret), ICNPO categories, indicators.

CREATE OR REPLACE VIEW icnpo_kategori AS
SELECT icnpo_kode, navn, gruppe_kode, gruppenavn, er_gruppe
FROM stg_icnpo;

CREATE OR REPLACE VIEW organisasjon AS
SELECT
    o.orgnr,
    o.navn,
    o.organisasjonsform,
    o.naeringskode,
    o.kommunenummer,
    k.navn AS kommunenavn,
    o.poststed,
    o.fylkesnummer,
    o.i_frivillighetsregisteret,
    o.icnpo_primaer,
    i.navn AS icnpo_primaer_navn,
    o.icnpo_gruppe,
    g.navn AS icnpo_gruppenavn,
    coalesce(o.icnpo_primaer = '8200', false) AS frivilligsentral,
    o.registrert_frivillighetsregisteret,
    o.stiftelsesdato,
    o.registrert_enhetsregisteret,
    o.konkurs,
    o.under_avvikling,
    o.under_tvangsavvikling,
    o.grasrot_deltar
FROM stg_organisasjon o
LEFT JOIN src_kommune_grense_2024 k ON k.kode = o.kommunenummer
LEFT JOIN stg_icnpo i ON i.icnpo_kode = o.icnpo_primaer
LEFT JOIN stg_icnpo g ON g.icnpo_kode = o.icnpo_gruppe AND g.er_gruppe;

CREATE OR REPLACE VIEW organisasjon_kategori AS
SELECT c.orgnr, c.icnpo_kode, i.navn, c.rekkefoelge, c.icnpo_kode = o.icnpo_primaer AS primaer
FROM src_frivillig_kategori c
JOIN stg_organisasjon o USING (orgnr)
LEFT JOIN stg_icnpo i ON i.icnpo_kode = c.icnpo_kode;

CREATE OR REPLACE VIEW organisasjoner_indikator AS
SELECT nivaa, kode, navn, aar, antall, nye, folketall, folketall_aar, per_1000, frivilligsentraler,
       grasrot_deltar, grasrot_andel
FROM mart_organisasjoner_indikator;

CREATE OR REPLACE VIEW organisasjoner_icnpo AS
SELECT nivaa, kode, navn, aar, icnpo_gruppe, gruppenavn, antall, nye
FROM mart_organisasjoner_icnpo;
