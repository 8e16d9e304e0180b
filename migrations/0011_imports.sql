CREATE TYPE "public"."import_status" AS ENUM('PREVIEWED', 'APPLIED', 'DISCARDED');--> statement-breakpoint
CREATE TABLE "import_rows" (
	"import_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"at" text NOT NULL,
	"code" text,
	"name" text,
	"parent_code" text,
	"place_by" text,
	"geom" geometry(Geometry,4326),
	"attrs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"action" text,
	"target_id" integer
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "imports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"crs" text NOT NULL,
	"notes" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" "import_status" DEFAULT 'PREVIEWED' NOT NULL,
	"applied" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "import_rows_pk" ON "import_rows" USING btree ("import_id","seq");--> statement-breakpoint
CREATE INDEX "import_rows_geom_gist" ON "import_rows" USING gist ("geom");--> statement-breakpoint
CREATE INDEX "imports_account_idx" ON "imports" USING btree ("account_id");--> statement-breakpoint
-- An imported feature's shape in WGS84, from its GeoJSON or WKT in the file's own system (srid).
-- NULL where it cannot be read or transformed, so one bad feature is reported, not fatal.
CREATE OR REPLACE FUNCTION yitu_import_geometry(geojson text, wkt text, srid integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  g geometry;
BEGIN
  IF geojson IS NOT NULL THEN
    g := ST_SetSRID(ST_GeomFromGeoJSON(geojson), srid);
  ELSIF wkt IS NOT NULL THEN
    g := ST_SetSRID(ST_GeomFromText(regexp_replace(wkt, '^\s*SRID=\d+;', '')), srid);
  ELSE
    RETURN NULL;
  END IF;
  RETURN ST_Force2D(ST_Transform(g, 4326));
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END
$$;
