-- The grant files add up to the national totals of the totals file per scheme and year (exact, or within 500 000 kr where the published figure is rounded).
SELECT ordning, aar, status, publisert_utbetalt, filer_utbetalt, differanse_utbetalt, oppgitt_sokt, filer_sokt,
       oppgitt_givere, filer_givere, toleranse_kr
FROM tilskudd_totaler
WHERE avstemt = false;
