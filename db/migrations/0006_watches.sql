CREATE TABLE "supplier_watches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"locale" text NOT NULL,
	"supplier_product_id" bigint NOT NULL,
	"currency" text NOT NULL,
	"below_minor" bigint,
	"change_percent" integer,
	"reference_minor" bigint NOT NULL,
	"below_alerted" boolean DEFAULT false NOT NULL,
	"missing_checks" integer DEFAULT 0 NOT NULL,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_watches_change" CHECK ("supplier_watches"."change_percent" between 1 and 1000),
	CONSTRAINT "supplier_watches_below" CHECK ("supplier_watches"."below_minor" > 0)
);
--> statement-breakpoint
ALTER TABLE "supplier_products" ADD COLUMN "category_id" text;--> statement-breakpoint
ALTER TABLE "supplier_products" ADD COLUMN "ship_days" integer;--> statement-breakpoint
ALTER TABLE "supplier_watches" ADD CONSTRAINT "supplier_watches_supplier_product_id_supplier_products_id_fk" FOREIGN KEY ("supplier_product_id") REFERENCES "public"."supplier_products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_watches_chat_product" ON "supplier_watches" USING btree ("platform","chat_id","supplier_product_id");--> statement-breakpoint
-- Search pages number some items 2^51 above their product id; rows stored that way take the product id
-- (the one links and the APIs use), unless that product already has its own row.
UPDATE "supplier_products" AS p
SET "external_id" = (p."external_id"::numeric - 2251799813685248)::text,
    "url" = 'https://www.aliexpress.com/item/' || (p."external_id"::numeric - 2251799813685248)::text || '.html'
WHERE p."source" = 'aliexpress' AND p."external_id" ~ '^[0-9]{1,20}$' AND p."external_id"::numeric >= 2251799813685248
  AND NOT EXISTS (
    SELECT 1 FROM "supplier_products" q
    WHERE q."source" = 'aliexpress' AND q."external_id" = (p."external_id"::numeric - 2251799813685248)::text);
