DROP INDEX "resources_service_area_gist";--> statement-breakpoint
CREATE INDEX "resources_service_area_gist" ON "resources" USING gist ("service_area") WHERE "resources"."service_area" IS NOT NULL;