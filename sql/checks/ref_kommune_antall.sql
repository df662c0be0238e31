-- The 2024 division has 357 municipalities and 15 counties, each with geometry (also for the maps) and a county.
SELECT 'kommune' AS hva, count(*) AS antall, 357 AS forventet FROM kommune HAVING count(*) <> 357
UNION ALL
SELECT 'fylke', count(*), 15 FROM fylke HAVING count(*) <> 15
UNION ALL
SELECT 'kommune uten geometri/fylke/størrelsesgruppe: ' || kommunenummer, 1, 0 FROM kommune
WHERE geojson IS NULL OR geojson_kart IS NULL OR fylkesnavn IS NULL OR storrelsesgruppe IS NULL
UNION ALL
SELECT 'fylke uten kartgeometri: ' || fylkesnummer, 1, 0 FROM fylke WHERE geojson_kart IS NULL;
