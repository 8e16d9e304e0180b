CREATE TYPE "public"."party_org_kind" AS ENUM('COMMITTEE', 'BRANCH', 'GROUP', 'MEMBER_HOUSEHOLD');--> statement-breakpoint
CREATE TYPE "public"."region_level" AS ENUM('DISTRICT', 'STREET', 'COMMUNITY');--> statement-breakpoint
CREATE TYPE "public"."resource_kind" AS ENUM('PARTY_MEMBER', 'VOLUNTEER_TEAM', 'SOCIAL_ORG', 'COMMUNITY_PARTNER', 'PROPERTY_COMPANY', 'LAW_ENFORCEMENT', 'DEPARTMENT');--> statement-breakpoint
CREATE TYPE "public"."ticket_channel" AS ENUM('QR', 'PATROL', 'HOTLINE', 'STAFF');--> statement-breakpoint
CREATE TYPE "public"."ticket_level" AS ENUM('COMPOUND', 'COMMUNITY', 'STREET', 'DEPARTMENT');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'VERIFIED', 'FEEDBACK', 'CLOSED', 'SUSPENDED', 'TRANSFERRED', 'REJECTED');--> statement-breakpoint
CREATE TABLE "buildings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "buildings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"compound_id" integer NOT NULL,
	"number" text NOT NULL,
	"floors" smallint NOT NULL,
	"households" integer DEFAULT 0 NOT NULL,
	"location" geometry(Point,4326) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buildings_location_valid" CHECK (yitu_valid_geometry("buildings"."location", 'buildings.location')),
	CONSTRAINT "buildings_floors_positive" CHECK ("buildings"."floors" > 0)
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"level" "ticket_level" NOT NULL,
	"respond_hours" integer NOT NULL,
	"resolve_hours" integer NOT NULL,
	"capabilities" text[] DEFAULT '{}'::text[] NOT NULL,
	"examples" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compounds" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "compounds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"community_id" integer NOT NULL,
	"boundary" geometry(Polygon,4326) NOT NULL,
	"households" integer DEFAULT 0 NOT NULL,
	"year_built" smallint,
	"property_company_id" integer,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "compounds_code_unique" UNIQUE("code"),
	CONSTRAINT "compounds_boundary_valid" CHECK (yitu_valid_geometry("compounds"."boundary", 'compounds.boundary')),
	CONSTRAINT "compounds_households_nonneg" CHECK ("compounds"."households" >= 0)
);
--> statement-breakpoint
CREATE TABLE "grid_workers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "grid_workers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"grid_id" integer,
	"is_party_member" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grid_workers_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "grids" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "grids_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"community_id" integer NOT NULL,
	"parent_id" integer,
	"kinds" text[] DEFAULT '{}'::text[] NOT NULL,
	"boundary" geometry(Polygon,4326) NOT NULL,
	"worker_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grids_code_unique" UNIQUE("code"),
	CONSTRAINT "grids_boundary_valid" CHECK (yitu_valid_geometry("grids"."boundary", 'grids.boundary'))
);
--> statement-breakpoint
CREATE TABLE "party_organizations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "party_organizations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" "party_org_kind" NOT NULL,
	"parent_id" integer,
	"community_id" integer NOT NULL,
	"compound_id" integer,
	"grid_id" integer,
	"building_id" integer,
	"secretary" text,
	"member_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "party_organizations_code_unique" UNIQUE("code"),
	CONSTRAINT "party_orgs_parent_by_kind" CHECK (("party_organizations"."kind" = 'COMMITTEE') = ("party_organizations"."parent_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "property_companies" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "property_companies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"has_party_branch" boolean DEFAULT false NOT NULL,
	"phone" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "property_companies_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "regions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"name" text NOT NULL,
	"level" "region_level" NOT NULL,
	"parent_id" integer,
	"boundary" geometry(MultiPolygon,4326) NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "regions_code_unique" UNIQUE("code"),
	CONSTRAINT "regions_boundary_valid" CHECK (yitu_valid_geometry("regions"."boundary", 'regions.boundary')),
	CONSTRAINT "regions_parent_by_level" CHECK (("regions"."level" = 'DISTRICT') = ("regions"."parent_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "resource_claims" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "resource_claims_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"resource_id" integer NOT NULL,
	"grid_id" integer,
	"compound_id" integer,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_claims_one_zone" CHECK (num_nonnulls("resource_claims"."grid_id", "resource_claims"."compound_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "resources" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "resources_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"kind" "resource_kind" NOT NULL,
	"name" text NOT NULL,
	"community_id" integer,
	"property_company_id" integer,
	"location" geometry(Point,4326) NOT NULL,
	"service_area" geometry(MultiPolygon,4326),
	"capabilities" text[] DEFAULT '{}'::text[] NOT NULL,
	"capacity" integer DEFAULT 1 NOT NULL,
	"availability" jsonb DEFAULT '{"always":true}'::jsonb NOT NULL,
	"may_decline" boolean DEFAULT true NOT NULL,
	"contact_name" text,
	"contact_phone" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resources_code_unique" UNIQUE("code"),
	CONSTRAINT "resources_location_valid" CHECK (yitu_valid_geometry("resources"."location", 'resources.location')),
	CONSTRAINT "resources_service_area_valid" CHECK (yitu_valid_geometry("resources"."service_area", 'resources.service_area')),
	CONSTRAINT "resources_capacity_nonneg" CHECK ("resources"."capacity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" integer NOT NULL,
	"type" text NOT NULL,
	"from_status" "ticket_status",
	"to_status" "ticket_status",
	"actor" text NOT NULL,
	"reason" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tickets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"category_code" text,
	"status" "ticket_status" DEFAULT 'REPORTED' NOT NULL,
	"level" "ticket_level" DEFAULT 'COMPOUND' NOT NULL,
	"location" geometry(Point,4326) NOT NULL,
	"compound_id" integer,
	"grid_id" integer,
	"building_id" integer,
	"community_id" integer,
	"description" text NOT NULL,
	"reporter_name" text,
	"reporter_phone" text,
	"channel" "ticket_channel" NOT NULL,
	"idempotency_key" text,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"respond_by" timestamp with time zone,
	"resolve_by" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"satisfaction" smallint,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tickets_code_unique" UNIQUE("code"),
	CONSTRAINT "tickets_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "tickets_location_valid" CHECK (yitu_valid_geometry("tickets"."location", 'tickets.location')),
	CONSTRAINT "tickets_description_nonempty" CHECK (length(btrim("tickets"."description")) > 0),
	CONSTRAINT "tickets_description_max" CHECK (length("tickets"."description") <= 4000),
	CONSTRAINT "tickets_satisfaction_range" CHECK ("tickets"."satisfaction" BETWEEN 1 AND 5),
	CONSTRAINT "tickets_version_positive" CHECK ("tickets"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "buildings" ADD CONSTRAINT "buildings_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compounds" ADD CONSTRAINT "compounds_community_id_regions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compounds" ADD CONSTRAINT "compounds_property_company_id_property_companies_id_fk" FOREIGN KEY ("property_company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grid_workers" ADD CONSTRAINT "grid_workers_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grids" ADD CONSTRAINT "grids_community_id_regions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grids" ADD CONSTRAINT "grids_parent_id_grids_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grids" ADD CONSTRAINT "grids_worker_id_grid_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."grid_workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organizations" ADD CONSTRAINT "party_organizations_parent_id_party_organizations_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."party_organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organizations" ADD CONSTRAINT "party_organizations_community_id_regions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organizations" ADD CONSTRAINT "party_organizations_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organizations" ADD CONSTRAINT "party_organizations_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "party_organizations" ADD CONSTRAINT "party_organizations_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_id_regions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_claims" ADD CONSTRAINT "resource_claims_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_claims" ADD CONSTRAINT "resource_claims_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_claims" ADD CONSTRAINT "resource_claims_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_community_id_regions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_property_company_id_property_companies_id_fk" FOREIGN KEY ("property_company_id") REFERENCES "public"."property_companies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_category_code_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "public"."categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "public"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_community_id_regions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "buildings_compound_number_key" ON "buildings" USING btree ("compound_id","number");--> statement-breakpoint
CREATE INDEX "buildings_location_gist" ON "buildings" USING gist ("location");--> statement-breakpoint
CREATE INDEX "compounds_boundary_gist" ON "compounds" USING gist ("boundary");--> statement-breakpoint
CREATE INDEX "compounds_community_idx" ON "compounds" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "compounds_property_company_idx" ON "compounds" USING btree ("property_company_id");--> statement-breakpoint
CREATE INDEX "grid_workers_grid_idx" ON "grid_workers" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "grids_boundary_gist" ON "grids" USING gist ("boundary");--> statement-breakpoint
CREATE INDEX "grids_community_idx" ON "grids" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "grids_parent_idx" ON "grids" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "party_orgs_parent_idx" ON "party_organizations" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "party_orgs_grid_idx" ON "party_organizations" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "party_orgs_community_idx" ON "party_organizations" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "regions_boundary_gist" ON "regions" USING gist ("boundary");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "resource_claims_resource_idx" ON "resource_claims" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "resource_claims_grid_idx" ON "resource_claims" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "resource_claims_compound_idx" ON "resource_claims" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "resources_location_gist" ON "resources" USING gist ("location");--> statement-breakpoint
CREATE INDEX "resources_service_area_gist" ON "resources" USING gist ("service_area");--> statement-breakpoint
CREATE INDEX "resources_capabilities_gin" ON "resources" USING gin ("capabilities");--> statement-breakpoint
CREATE INDEX "resources_community_idx" ON "resources" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","at");--> statement-breakpoint
CREATE INDEX "tickets_location_gist" ON "tickets" USING gist ("location");--> statement-breakpoint
CREATE INDEX "tickets_status_idx" ON "tickets" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tickets_compound_idx" ON "tickets" USING btree ("compound_id");--> statement-breakpoint
CREATE INDEX "tickets_grid_idx" ON "tickets" USING btree ("grid_id");--> statement-breakpoint
CREATE INDEX "tickets_community_idx" ON "tickets" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "tickets_reported_at_idx" ON "tickets" USING btree ("reported_at");