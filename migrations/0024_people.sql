ALTER TYPE "public"."account_role" ADD VALUE 'RESOURCE';--> statement-breakpoint
CREATE TABLE "account_invites" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "account_invites_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"secret_hash" text NOT NULL,
	"resource_id" integer NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"invited_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"account_id" integer,
	CONSTRAINT "account_invites_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "resource_id" integer;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "pending_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ticket_assignments" ADD COLUMN "done_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ticket_assignments" ADD COLUMN "done_note" text;--> statement-breakpoint
ALTER TABLE "ticket_assignments" ADD COLUMN "hours" real;--> statement-breakpoint
ALTER TABLE "account_invites" ADD CONSTRAINT "account_invites_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_invites" ADD CONSTRAINT "account_invites_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_invites_resource_idx" ON "account_invites" USING btree ("resource_id");--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_resource" CHECK (("accounts"."role"::text = 'RESOURCE') = ("accounts"."resource_id" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_resource_no_places" CHECK ("accounts"."role"::text <> 'RESOURCE' OR ("accounts"."region_id" IS NULL AND "accounts"."grid_id" IS NULL));--> statement-breakpoint
-- 双报到: a party member awaiting the community's approval is never dispatched, whatever the path
CREATE FUNCTION yitu_refuse_pending_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IN ('OFFERED', 'ACCEPTED') AND EXISTS (
    SELECT 1 FROM resources WHERE id = NEW.resource_id AND pending_since IS NOT NULL) THEN
    RAISE EXCEPTION 'resource % awaits approval and cannot be dispatched', NEW.resource_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ticket_assignments_resource_approved';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER ticket_assignments_resource_approved BEFORE INSERT OR UPDATE OF status, resource_id
  ON ticket_assignments FOR EACH ROW EXECUTE FUNCTION yitu_refuse_pending_dispatch();
