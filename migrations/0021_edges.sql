CREATE TABLE "ticket_followers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_followers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"ticket_id" integer NOT NULL,
	"follow_token" text NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_followers_follow_token_unique" UNIQUE("follow_token"),
	CONSTRAINT "ticket_followers_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "duplicate_radius_m" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD COLUMN "emergency_number" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "emergency_kind" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "emergency_number" text;--> statement-breakpoint
ALTER TABLE "ticket_followers" ADD CONSTRAINT "ticket_followers_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_followers_ticket_idx" ON "ticket_followers" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "tickets_duplicate_of_idx" ON "tickets" USING btree ("duplicate_of_id") WHERE "tickets"."duplicate_of_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_duplicate_radius" CHECK ("categories"."duplicate_radius_m" BETWEEN 50 AND 250);--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_emergency_number" CHECK ("categories"."emergency_number" IN ('110', '119', '120'));--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_emergency_pair" CHECK (("tickets"."emergency_kind" IS NULL) = ("tickets"."emergency_number" IS NULL));--> statement-breakpoint
-- Hand-written: likely duplicates are found in metres (ST_DWithin on geography); this index
-- lets that search use GiST rather than scan every ticket.
CREATE INDEX "tickets_location_geography" ON "tickets" USING gist (("location"::geography));
