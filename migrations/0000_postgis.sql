-- Hand-written: drizzle-kit does not emit extensions or functions.
CREATE EXTENSION IF NOT EXISTS postgis;
--> statement-breakpoint
-- Used by the CHECK constraint on every geometry column. Raises check_violation with a message
-- that names the column and says what is wrong, instead of a bare "violates check constraint".
CREATE OR REPLACE FUNCTION yitu_valid_geometry(g geometry, label text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF g IS NULL THEN
    RETURN true;
  END IF;
  IF ST_IsEmpty(g) THEN
    RAISE EXCEPTION 'invalid geometry for %: empty', label
      USING ERRCODE = 'check_violation', HINT = 'GEOMETRY_EMPTY';
  END IF;
  IF ST_XMin(g) < -180 OR ST_XMax(g) > 180 OR ST_YMin(g) < -90 OR ST_YMax(g) > 90 THEN
    RAISE EXCEPTION 'invalid geometry for %: coordinates outside WGS84 (lon -180..180, lat -90..90): %',
      label, ST_AsText(ST_Envelope(g))
      USING ERRCODE = 'check_violation', HINT = 'GEOMETRY_OUT_OF_RANGE';
  END IF;
  IF NOT ST_IsValid(g) THEN
    RAISE EXCEPTION 'invalid geometry for %: %', label, ST_IsValidReason(g)
      USING ERRCODE = 'check_violation', HINT = 'GEOMETRY_INVALID';
  END IF;
  RETURN true;
END
$$;
