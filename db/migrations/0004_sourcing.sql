CREATE TABLE "search_results" (
	"search_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"supplier_product_id" bigint NOT NULL,
	CONSTRAINT "search_results_search_id_position_pk" PRIMARY KEY("search_id","position")
);
--> statement-breakpoint
CREATE TABLE "searches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"words" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"status" text NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"matched" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" bigint,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "supplier_price_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"supplier_product_id" bigint NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"available" boolean NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supplier_products" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"original_price_minor" bigint,
	"rating" text,
	"sold_count" integer,
	"image_url" text,
	"store_id" text,
	"store_name" text,
	"shipping_tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"url" text NOT NULL,
	"available" boolean DEFAULT true NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_products_price" CHECK ("supplier_products"."price_minor" >= 0)
);
--> statement-breakpoint
ALTER TABLE "search_results" ADD CONSTRAINT "search_results_search_id_searches_id_fk" FOREIGN KEY ("search_id") REFERENCES "public"."searches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "search_results" ADD CONSTRAINT "search_results_supplier_product_id_supplier_products_id_fk" FOREIGN KEY ("supplier_product_id") REFERENCES "public"."supplier_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_price_history" ADD CONSTRAINT "supplier_price_history_supplier_product_id_supplier_products_id_fk" FOREIGN KEY ("supplier_product_id") REFERENCES "public"."supplier_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supplier_price_history_product" ON "supplier_price_history" USING btree ("supplier_product_id","seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_products_source_id" ON "supplier_products" USING btree ("source","external_id");