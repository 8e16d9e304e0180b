-- Hand-written: the CHECK on every geometry column, made cheap for a valid shape. The test is an
-- SQL expression PostgreSQL inlines into the constraint (no PL/pgSQL call per row: an import of
-- 100,000 places pays it twice per row); only a shape that fails it reaches
-- yitu_geometry_refused, which raises the same check_violation, message and hint as before.
CREATE OR REPLACE FUNCTION yitu_geometry_refused(g geometry, label text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
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
--> statement-breakpoint
CREATE OR REPLACE FUNCTION yitu_valid_geometry(g geometry, label text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT g IS NULL
    OR (NOT ST_IsEmpty(g) AND ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90
      AND ST_YMax(g) <= 90 AND ST_IsValid(g))
    OR yitu_geometry_refused(g, label)
$$;
--> statement-breakpoint
-- An imported feature's shape (0011), split in two: the conversion as an SQL expression, which a
-- staging INSERT inlines and runs set-wise, and the old function around it, whose exception
-- block (a subtransaction per row) turns a shape that cannot be read or transformed into NULL.
-- The import runs the first and falls back to the second only when a statement fails.
CREATE OR REPLACE FUNCTION yitu_import_geometry_strict(geojson text, wkt text, srid integer) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$
  SELECT ST_Force2D(ST_Transform(ST_SetSRID(CASE WHEN geojson IS NOT NULL THEN ST_GeomFromGeoJSON(geojson)
    ELSE ST_GeomFromText(regexp_replace(wkt, '^\s*SRID=\d+;', '')) END, srid), 4326))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION yitu_import_geometry(geojson text, wkt text, srid integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN yitu_import_geometry_strict(geojson, wkt, srid);
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END
$$;
