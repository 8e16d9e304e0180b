ALTER TABLE "buildings" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "compounds" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "grids" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "retired_at" timestamp with time zone;