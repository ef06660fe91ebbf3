CREATE TABLE "report_deliveries" (
	"period" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"claimed_by" text NOT NULL,
	"lease_until" timestamp with time zone NOT NULL,
	"emailed_at" timestamp with time zone,
	"emailed_to" text,
	"chats" integer,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_deliveries_period" CHECK ("report_deliveries"."period" ~ '^[0-9]{4}-[0-9]{2}$'),
	CONSTRAINT "report_deliveries_status" CHECK ("report_deliveries"."status" in ('sending', 'sent'))
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" text PRIMARY KEY NOT NULL,
	"storage_key" text NOT NULL,
	"filename" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "stored_files_expiry" ON "stored_files" USING btree ("expires_at");