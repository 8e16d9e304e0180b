CREATE SEQUENCE "public"."ticket_code_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "suspended_from" "ticket_status";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "duplicate_of_id" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "follow_token" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_duplicate_of_id_tickets_id_fk" FOREIGN KEY ("duplicate_of_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_follow_token_unique" UNIQUE("follow_token");