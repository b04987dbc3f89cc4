-- Applications for the approval-queue benchmark (scripts/bench-officer-list.sh
-- with PAGE=queue), written into the benchmark database once, beside the
-- synthetic officers: a province's history and backlog by officer id
-- modulo 100 —
--   0-29  a completed application (history: an inspection, or the first card)
--   30-34 submitted (awaiting the unit's stamp)
--   35-37 unit_approved (the legal office's queue: ~375 per city office)
--   38-39 legal_approved
-- Officers with a certificate get inspections, others a first card. The
-- region columns are the unit's, as the API writes them.
INSERT INTO applications (kind, state, officer_id, certificate_id, cert_type, unit_id, region_code, prov_code,
                          city_code, applicant_id, applicant_name, round_year, round_due_on, version,
                          submitted_at, created_at, updated_at)
SELECT CASE WHEN o.cert_id IS NULL THEN 'new_card' ELSE 'inspection' END,
       CASE WHEN o.id % 100 < 30 THEN 'completed'
            WHEN o.id % 100 < 35 THEN 'submitted'
            WHEN o.id % 100 < 38 THEN 'unit_approved'
            ELSE 'legal_approved' END,
       o.id, o.cert_id, COALESCE(o.cert_type, 'law_enforcement'), o.unit_id, u.region_code,
       substr(u.region_code, 1, 2),
       CASE WHEN u.region_code LIKE '__0000' THEN substr(u.region_code, 1, 2) || '00' ELSE substr(u.region_code, 1, 4) END,
       1, 'bench',
       CASE WHEN o.cert_id IS NULL THEN 0 ELSE COALESCE(extract(year FROM o.next_due_on)::int, 0) END,
       CASE WHEN o.cert_id IS NULL THEN NULL ELSE o.next_due_on END,
       1, now() - interval '10 days', now() - interval '10 days', now() - interval '10 days'
FROM officers o JOIN units u ON u.id = o.unit_id
WHERE o.id % 100 < 40
ORDER BY o.id;
