-- Hand-written: vector tiles are cached in each API process (api/src/modules/tile); a statement
-- that writes places announces the WGS84 box it touched on channel yitu_tiles, delivered at
-- commit, so every process drops exactly the tiles of that box (an edit: one shape; an import:
-- the extent of its rows). Ticket events keep their own channel (0004). Statement-level
-- triggers with transition tables: one notification per statement, however many rows.
CREATE OR REPLACE FUNCTION yitu_tiles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  box box2d;
BEGIN
  -- TG_ARGV[0]: the shape column; TG_ARGV[1]: the tile layer it is drawn in
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT ST_Extent(%I) FROM new_rows', TG_ARGV[0]) INTO box;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT ST_Extent(%I) FROM old_rows', TG_ARGV[0]) INTO box;
  ELSE
    -- where it was and where it is now
    EXECUTE format(
      'SELECT ST_Extent(g) FROM (SELECT %1$I AS g FROM new_rows UNION ALL SELECT %1$I FROM old_rows) u',
      TG_ARGV[0]) INTO box;
  END IF;
  IF box IS NOT NULL THEN
    PERFORM pg_notify('yitu_tiles', json_build_object(
      'layers', json_build_array(TG_ARGV[1]),
      'box', json_build_array(ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)))::text);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A property company's 红色物业 mark colours its compounds; a ticket that changes compound (an
-- import re-placing tickets) changes the figures of the compounds it left and joined.
CREATE OR REPLACE FUNCTION yitu_tiles_compounds_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  box box2d;
BEGIN
  IF TG_TABLE_NAME = 'property_companies' THEN
    SELECT ST_Extent(c.boundary) INTO box FROM compounds c
    WHERE c.property_company_id IN (SELECT id FROM new_rows);
  ELSE
    SELECT ST_Extent(c.boundary) INTO box FROM compounds c
    WHERE c.id IN (
      SELECT o.compound_id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.compound_id IS DISTINCT FROM n.compound_id
      UNION ALL
      SELECT n.compound_id FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.compound_id IS DISTINCT FROM n.compound_id);
  END IF;
  IF box IS NOT NULL THEN
    PERFORM pg_notify('yitu_tiles', json_build_object(
      'layers', json_build_array('compounds'),
      'box', json_build_array(ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)))::text);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  place record;
BEGIN
  FOR place IN SELECT * FROM (VALUES
      ('regions', 'boundary', 'regions'),
      ('compounds', 'boundary', 'compounds'),
      ('grids', 'boundary', 'grids'),
      ('buildings', 'location', 'buildings'),
      ('resources', 'location', 'resources')) AS p(tbl, col, layer)
  LOOP
    EXECUTE format(
      'CREATE TRIGGER %1$s_tiles_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION yitu_tiles_changed(%2$L, %3$L)',
      place.tbl, place.col, place.layer);
    EXECUTE format(
      'CREATE TRIGGER %1$s_tiles_update AFTER UPDATE ON %1$I '
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION yitu_tiles_changed(%2$L, %3$L)',
      place.tbl, place.col, place.layer);
    EXECUTE format(
      'CREATE TRIGGER %1$s_tiles_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION yitu_tiles_changed(%2$L, %3$L)',
      place.tbl, place.col, place.layer);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE TRIGGER property_companies_tiles_update AFTER UPDATE ON property_companies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION yitu_tiles_compounds_changed();
--> statement-breakpoint
CREATE TRIGGER tickets_tiles_update AFTER UPDATE ON tickets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION yitu_tiles_compounds_changed();
