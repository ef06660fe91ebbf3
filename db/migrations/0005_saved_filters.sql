CREATE TABLE "filter_seen" (
	"filter_id" bigint NOT NULL,
	"supplier_product_id" bigint NOT NULL,
	"notified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "filter_seen_filter_id_supplier_product_id_pk" PRIMARY KEY("filter_id","supplier_product_id")
);
--> statement-breakpoint
CREATE TABLE "saved_filters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"locale" text NOT NULL,
	"words" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_run_at" timestamp with time zone,
	"cooldown_minutes" integer DEFAULT 55 NOT NULL,
	"daily_cap" integer DEFAULT 20 NOT NULL,
	"notified_day" date,
	"notified_today" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "saved_filters_cap" CHECK ("saved_filters"."daily_cap" between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "filter_seen" ADD CONSTRAINT "filter_seen_filter_id_saved_filters_id_fk" FOREIGN KEY ("filter_id") REFERENCES "public"."saved_filters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_seen" ADD CONSTRAINT "filter_seen_supplier_product_id_supplier_products_id_fk" FOREIGN KEY ("supplier_product_id") REFERENCES "public"."supplier_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_filters_chat_name" ON "saved_filters" USING btree ("platform","chat_id","name");