CREATE TABLE "place_writes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "place_writes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"table_name" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "import_rows_geom_gist";--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "checked_writes" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "checked_scope" text;--> statement-breakpoint
-- Hand-written: every statement that writes a table an import's checks read adds one row
-- (statement-level: one row however many it wrote), in its own transaction, so the count an
-- apply sees grows exactly when such a write has committed since its dry run (import.service.ts).
CREATE OR REPLACE FUNCTION yitu_place_written() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO place_writes (table_name) VALUES (TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['regions', 'compounds', 'grids', 'buildings', 'resources',
      'property_companies', 'resource_claims', 'categories']
  LOOP
    EXECUTE format(
      'CREATE TRIGGER %1$s_written AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %1$I '
      'FOR EACH STATEMENT EXECUTE FUNCTION yitu_place_written()', tbl);
  END LOOP;
END
$$;
