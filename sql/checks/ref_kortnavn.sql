-- Every name in more than one language ('Rosse - Røros') has its Norwegian form listed in ref_kortnavn (sql/views/10_referanse.sql), and that form is one of the name's parts.
WITH navn AS (
    SELECT 'kommune' AS hvor, kommunenavn AS navn, kommunenavn_kort AS kortnavn FROM kommune
    UNION ALL
    SELECT 'fylke', fylkesnavn, fylkesnavn_kort FROM fylke
    UNION ALL
    SELECT 'kommune_historikk', navn, navn_kort FROM kommune_historikk
)
SELECT DISTINCT 'navn på flere språk uten norsk form i ref_kortnavn' AS problem, hvor, navn, kortnavn FROM navn
WHERE contains(navn, ' - ') AND navn NOT IN (SELECT navn FROM ref_kortnavn)
UNION ALL
SELECT 'norsk form er ikke en del av navnet', 'ref_kortnavn', navn, kortnavn FROM ref_kortnavn
WHERE NOT list_contains(string_split(navn, ' - '), kortnavn);
