-- migration: additive
-- 0013_stats_current_agreement.sql -- the endorsement figures of GET /api/v1/stats count one
-- thing: the active endorsements of the current (adopted) agreement.
--
-- endorsements.active counted those, but endorsements.by_month counted every endorsement of
-- every agreement ever made, withdrawn or not, so the statistics page showed "0 anslutna"
-- beside a bar of 32 once a new agreement was adopted. Now by_month spreads the same active
-- endorsements over the month each was made, so its counts add up to active, and
-- endorsements.agreement_id names the agreement they belong to (null while none is adopted).
-- Only the function's body changes, and the answer only gains a field: a binary that reads
-- it as before keeps working.

CREATE OR REPLACE FUNCTION api.stats() RETURNS text LANGUAGE sql STABLE AS $$
	WITH current_endorsement AS (
		SELECT e.endorsed_at FROM endorsement e JOIN agreement a ON a.id = e.agreement_id
		WHERE a.status = 'adopted' AND e.status = 'active')
	SELECT json_build_object(
		'organisations', json_build_object(
			'total', (SELECT count(*) FROM organisation WHERE status = 'verified'),
			'by_kind', (SELECT coalesce(json_object_agg(kind, n), '{}'::json) FROM (
				SELECT kind, count(*) AS n FROM organisation WHERE status = 'verified'
				GROUP BY kind) k),
			'by_district', (SELECT coalesce(json_object_agg(district, n), '{}'::json) FROM (
				SELECT d AS district, count(*) AS n FROM organisation o, unnest(o.districts) d
				WHERE o.status = 'verified' GROUP BY d) x)),
		'endorsements', json_build_object(
			'agreement_id', (SELECT id FROM agreement WHERE status = 'adopted'),
			'active', (SELECT count(*) FROM current_endorsement),
			'by_month', (SELECT coalesce(json_agg(json_build_object('month', m, 'count', n)
				ORDER BY m), '[]'::json) FROM (
				SELECT to_char(endorsed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS m,
					count(*) AS n FROM current_endorsement GROUP BY 1) x)),
		'dialogues', json_build_object(
			'held', (SELECT count(*) FROM dialogue WHERE status = 'held'),
			'upcoming', (SELECT count(*) FROM dialogue WHERE status = 'scheduled' AND starts_at > now()),
			'participating_organisations', (SELECT count(DISTINCT organisation_id)
				FROM registration WHERE status <> 'cancelled')))::text;
$$;
