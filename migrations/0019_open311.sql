ALTER TYPE "public"."ticket_channel" ADD VALUE 'OPEN311';--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "reporter_email" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "media_url" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_media_url_http" CHECK ("tickets"."media_url" IS NULL OR ("tickets"."media_url" ~ '^https?://' AND length("tickets"."media_url") <= 1000));
