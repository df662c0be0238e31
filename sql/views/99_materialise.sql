-- The derived views the dashboard reads, materialised once the build has made them all: each view keeps its
-- name and columns (the contract, see sql/README.md) but reads a table (`mat_<view>`) written here, instead
-- of joining and aggregating on every read. Computing them on each read cost 5-60 ms a query (the profile of a
-- municipality runs ten of them; Oversikt's key figures 40-160 ms). The register-level views (one row per
-- organisation or payment) stay plain views: they are thin selections over tables already.

CREATE OR REPLACE TABLE mat_befolkning AS SELECT * FROM befolkning;
CREATE OR REPLACE VIEW befolkning AS SELECT * FROM mat_befolkning;

CREATE OR REPLACE TABLE mat_fylke AS SELECT * FROM fylke;
CREATE OR REPLACE VIEW fylke AS SELECT * FROM mat_fylke;

CREATE OR REPLACE TABLE mat_kommune AS SELECT * FROM kommune;
CREATE OR REPLACE VIEW kommune AS SELECT * FROM mat_kommune;

CREATE OR REPLACE TABLE mat_kommune_historikk AS SELECT * FROM kommune_historikk;
CREATE OR REPLACE VIEW kommune_historikk AS SELECT * FROM mat_kommune_historikk;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk AS SELECT * FROM frivillighetspolitikk;
CREATE OR REPLACE VIEW frivillighetspolitikk AS SELECT * FROM mat_frivillighetspolitikk;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_runde AS SELECT * FROM frivillighetspolitikk_runde;
CREATE OR REPLACE VIEW frivillighetspolitikk_runde AS SELECT * FROM mat_frivillighetspolitikk_runde;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_andel AS SELECT * FROM frivillighetspolitikk_andel;
CREATE OR REPLACE VIEW frivillighetspolitikk_andel AS SELECT * FROM mat_frivillighetspolitikk_andel;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_runde_andel AS SELECT * FROM frivillighetspolitikk_runde_andel;
CREATE OR REPLACE VIEW frivillighetspolitikk_runde_andel AS SELECT * FROM mat_frivillighetspolitikk_runde_andel;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_tiltak AS SELECT * FROM frivillighetspolitikk_tiltak;
CREATE OR REPLACE VIEW frivillighetspolitikk_tiltak AS SELECT * FROM mat_frivillighetspolitikk_tiltak;

CREATE OR REPLACE TABLE mat_publisert_frivillighetspolitikk_fylke AS SELECT * FROM publisert_frivillighetspolitikk_fylke;
CREATE OR REPLACE VIEW publisert_frivillighetspolitikk_fylke AS SELECT * FROM mat_publisert_frivillighetspolitikk_fylke;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_fylke_sammenligning AS SELECT * FROM frivillighetspolitikk_fylke_sammenligning;
CREATE OR REPLACE VIEW frivillighetspolitikk_fylke_sammenligning AS SELECT * FROM mat_frivillighetspolitikk_fylke_sammenligning;

CREATE OR REPLACE TABLE mat_frivillighetspolitikk_tidsserie AS SELECT * FROM frivillighetspolitikk_tidsserie;
CREATE OR REPLACE VIEW frivillighetspolitikk_tidsserie AS SELECT * FROM mat_frivillighetspolitikk_tidsserie;

CREATE OR REPLACE TABLE mat_grasrot_indikator AS SELECT * FROM grasrot_indikator;
CREATE OR REPLACE VIEW grasrot_indikator AS SELECT * FROM mat_grasrot_indikator;

CREATE OR REPLACE TABLE mat_grasrot_icnpo AS SELECT * FROM grasrot_icnpo;
CREATE OR REPLACE VIEW grasrot_icnpo AS SELECT * FROM mat_grasrot_icnpo;

CREATE OR REPLACE TABLE mat_moms_indikator AS SELECT * FROM moms_indikator;
CREATE OR REPLACE VIEW moms_indikator AS SELECT * FROM mat_moms_indikator;

CREATE OR REPLACE TABLE mat_moms_icnpo AS SELECT * FROM moms_icnpo;
CREATE OR REPLACE VIEW moms_icnpo AS SELECT * FROM mat_moms_icnpo;

CREATE OR REPLACE TABLE mat_tilskudd_totaler AS SELECT * FROM tilskudd_totaler;
CREATE OR REPLACE VIEW tilskudd_totaler AS SELECT * FROM mat_tilskudd_totaler;

CREATE OR REPLACE TABLE mat_indikator_verdi AS SELECT * FROM indikator_verdi ORDER BY indikator, nivaa, kode, aar;
CREATE OR REPLACE VIEW indikator_verdi AS SELECT * FROM mat_indikator_verdi;

CREATE OR REPLACE TABLE mat_nokkeltall AS SELECT * FROM nokkeltall;
CREATE OR REPLACE VIEW nokkeltall AS SELECT * FROM mat_nokkeltall;

CREATE OR REPLACE TABLE mat_nokkeltall_endring AS SELECT * FROM nokkeltall_endring;
CREATE OR REPLACE VIEW nokkeltall_endring AS SELECT * FROM mat_nokkeltall_endring;
