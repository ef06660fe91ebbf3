CREATE TABLE "shop_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"currency" text NOT NULL,
	"time_zone" text NOT NULL,
	"language" text NOT NULL,
	"region" text NOT NULL,
	"alerts_defaulted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" bigint,
	CONSTRAINT "shop_settings_one_row" CHECK ("shop_settings"."id" = 1),
	CONSTRAINT "shop_settings_currency" CHECK ("shop_settings"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "shop_settings_language" CHECK ("shop_settings"."language" in ('es', 'en')),
	CONSTRAINT "shop_settings_region" CHECK ("shop_settings"."region" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
ALTER TABLE "searches" ADD COLUMN "other_currency" text;