-- Policy shares add up: the status counts sum to the municipalities, svart to the answered ones, and counties and size groups each sum to the country (357) in every round; the population share's lower bound is no higher than its upper bound, and they differ only where a merged municipality had a policy in part.
SELECT 'statuser summerer ikke' AS problem, nivaa, kode, runde, antall_kommuner AS verdi
FROM frivillighetspolitikk_andel
WHERE ja + nei + under_arbeid + vet_ikke + ukjent <> antall_kommuner OR ja + nei + under_arbeid + vet_ikke <> svart
UNION ALL
SELECT 'nivå summerer ikke til landet', a.nivaa, NULL, a.runde, sum(a.ja)
FROM frivillighetspolitikk_andel a
JOIN frivillighetspolitikk_andel l ON l.nivaa = 'land' AND l.runde = a.runde
WHERE a.nivaa <> 'land'
GROUP BY a.nivaa, a.runde, l.ja, l.svart, l.antall_kommuner
HAVING sum(a.ja) <> l.ja OR sum(a.svart) <> l.svart OR sum(a.antall_kommuner) <> l.antall_kommuner
UNION ALL
SELECT 'landet har ikke 357 kommuner', nivaa, kode, runde, antall_kommuner
FROM frivillighetspolitikk_andel WHERE nivaa = 'land' AND antall_kommuner <> 357
UNION ALL
SELECT 'rundens egne tall summerer ikke', 'runde', NULL, runde, antall_kommuner
FROM frivillighetspolitikk_runde_andel WHERE ja + nei + under_arbeid + vet_ikke + ukjent <> antall_kommuner
UNION ALL
SELECT 'befolkningsandelens spenn er galt', nivaa, kode, runde, ja_delvis
FROM frivillighetspolitikk_andel
WHERE folketall_ja_minst > folketall_ja OR (ja_delvis = 0) <> (folketall_ja_minst = folketall_ja)
   OR ja_delvis > ja;
