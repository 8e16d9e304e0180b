CREATE TABLE "assessment_reports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "assessment_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"region_id" integer NOT NULL,
	"month" text NOT NULL,
	"version" integer NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"generated_by" text NOT NULL,
	"content" jsonb NOT NULL,
	CONSTRAINT "assessment_reports_month_format" CHECK ("assessment_reports"."month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "assessment_reports_version_positive" CHECK ("assessment_reports"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "assessment_reports" ADD CONSTRAINT "assessment_reports_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_reports_version_key" ON "assessment_reports" USING btree ("region_id","month","version");--> statement-breakpoint
-- Hand-written: a report kept as submitted is never rewritten (yitu_refuse_change from 0002);
-- regenerating adds a version.
CREATE TRIGGER assessment_reports_append_only
  BEFORE UPDATE OR DELETE ON assessment_reports
  FOR EACH ROW EXECUTE FUNCTION yitu_refuse_change();
