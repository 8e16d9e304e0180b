-- Hand-written: availability in SQL, so matching can rank "available now" and "next available"
-- inside its one query; and assignments recovered from the DISPATCH events written before the
-- ticket_assignments table existed.

-- The first moment at or after `at` when a resource works, or NULL if not within 62 days.
-- availability: {"always": true} | {"weekly": [[isoDay, "HH:MM", "HH:MM"], ...],
-- "monthlyDays": [8, 18, 28]} where a monthly day (e.g. a branch service day) runs 08:00–18:00.
-- Times are Beijing time (UTC+8, no daylight saving), so no time-zone database is needed.
CREATE OR REPLACE FUNCTION yitu_next_available(availability jsonb, at timestamptz)
RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  local_now timestamp := (at AT TIME ZONE 'UTC') + interval '8 hours';
  d date;
  w jsonb;
  best timestamp;
BEGIN
  IF availability IS NULL OR coalesce((availability->>'always')::boolean, false) THEN
    RETURN at;
  END IF;
  FOR i IN 0..62 LOOP
    d := local_now::date + i;
    best := NULL;
    FOR w IN SELECT value FROM jsonb_array_elements(coalesce(availability->'weekly', '[]'::jsonb)) LOOP
      IF (w->>0)::int = extract(isodow FROM d)::int AND d + (w->>2)::time > local_now THEN
        best := least(best, greatest(d + (w->>1)::time, local_now));
      END IF;
    END LOOP;
    IF coalesce(availability->'monthlyDays', '[]'::jsonb) @> to_jsonb(extract(day FROM d)::int)
       AND d + time '18:00' > local_now THEN
      best := least(best, greatest(d + time '08:00', local_now));
    END IF;
    IF best IS NOT NULL THEN
      RETURN (best - interval '8 hours') AT TIME ZONE 'UTC';
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Whether a resource works at `at`: the same rules as yitu_next_available in one expression
-- (jsonb path tests, "HH:MM" strings compare in order), so PostgreSQL inlines it into the KNN
-- scan's filter instead of calling a function per row. STABLE, not IMMUTABLE, because
-- jsonb_build_object is: an IMMUTABLE wrapper would not be inlined.
CREATE OR REPLACE FUNCTION yitu_beijing(at timestamptz) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (at AT TIME ZONE 'UTC') + interval '8 hours' $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION yitu_hhmm(local timestamp) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lpad(extract(hour FROM local)::int::text, 2, '0') || ':' || lpad(extract(minute FROM local)::int::text, 2, '0')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION yitu_available_at(availability jsonb, at timestamptz)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce((availability->>'always')::boolean, false)
    -- strict: lax mode would unwrap each [day, from, to] before the filter sees it
    OR coalesce(jsonb_path_exists(availability,
         'strict $.weekly[*] ? (@[0] == $dow && @[1] <= $hm && @[2] > $hm)',
         jsonb_build_object('dow', extract(isodow FROM yitu_beijing(at)),
                            'hm', yitu_hhmm(yitu_beijing(at))), true), false)
    OR (coalesce(availability->'monthlyDays', '[]'::jsonb) @> to_jsonb(extract(day FROM yitu_beijing(at))::int)
        AND yitu_hhmm(yitu_beijing(at)) >= '08:00' AND yitu_hhmm(yitu_beijing(at)) < '18:00')
$$;
--> statement-breakpoint
-- One row per (ticket, resource) named by a DISPATCH event. Dispatches still waiting for a
-- resource that may decline are OFFERED; the rest were taken up. Used by this migration for
-- existing data and by the demo seed, which writes events first.
CREATE OR REPLACE FUNCTION yitu_assignments_from_dispatch_events() RETURNS integer
LANGUAGE sql AS $$
  WITH inserted AS (
    INSERT INTO ticket_assignments (ticket_id, resource_id, status, assigned_by, assigned_at, responded_at)
    SELECT DISTINCT ON (e.ticket_id, r.id) e.ticket_id, r.id,
      CASE WHEN t.status = 'DISPATCHED' AND r.may_decline THEN 'OFFERED' ELSE 'ACCEPTED' END::assignment_status,
      e.actor, e.at,
      CASE WHEN t.status = 'DISPATCHED' AND r.may_decline THEN NULL ELSE e.at END
    FROM ticket_events e
    JOIN tickets t ON t.id = e.ticket_id
    CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(e.data->'resources', '[]'::jsonb)) AS named(code)
    JOIN resources r ON r.code = named.code
    WHERE e.type = 'DISPATCH'
    ORDER BY e.ticket_id, r.id, e.at DESC
    ON CONFLICT (ticket_id, resource_id) DO NOTHING
    RETURNING 1)
  SELECT count(*)::int FROM inserted
$$;
--> statement-breakpoint
SELECT yitu_assignments_from_dispatch_events();
