CREATE TABLE "sale_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sale_id" bigint NOT NULL,
	"product_id" bigint NOT NULL,
	"qty" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	CONSTRAINT "sale_lines_qty" CHECK ("sale_lines"."qty" > 0),
	CONSTRAINT "sale_lines_price" CHECK ("sale_lines"."unit_price_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sales" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_ref" text,
	"reservation_id" bigint,
	"idempotency_key" text,
	"request_hash" text,
	"currency" text NOT NULL,
	"status" text DEFAULT 'committed' NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"shipped_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "sales_source" CHECK ("sales"."source" in ('manual', 'api', 'etsy')),
	CONSTRAINT "sales_status" CHECK ("sales"."status" in ('committed', 'shipped', 'cancelled')),
	CONSTRAINT "sales_currency" CHECK ("sales"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "reservations" DROP CONSTRAINT "reservations_status";--> statement-breakpoint
ALTER TABLE "stock_ledger" DROP CONSTRAINT "stock_ledger_reason";--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "public_id" text DEFAULT ('res_' || replace(gen_random_uuid()::text, '-', '')) NOT NULL;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "api_key_id" bigint;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "sale_lines" ADD CONSTRAINT "sale_lines_sale_id_sales_id_fk" FOREIGN KEY ("sale_id") REFERENCES "public"."sales"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sale_lines" ADD CONSTRAINT "sale_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales" ADD CONSTRAINT "sales_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sale_lines_sale" ON "sale_lines" USING btree ("sale_id");--> statement-breakpoint
CREATE INDEX "sale_lines_product" ON "sale_lines" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_source_external" ON "sales" USING btree ("source","external_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_reservation" ON "sales" USING btree ("reservation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_idempotency" ON "sales" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "sales_open" ON "sales" USING btree ("id") WHERE "sales"."status" = 'committed';--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_public_id" ON "reservations" USING btree ("public_id");--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_status" CHECK ("reservations"."status" in ('pending', 'committed', 'shipped', 'cancelled', 'released', 'expired'));--> statement-breakpoint
ALTER TABLE "stock_ledger" ADD CONSTRAINT "stock_ledger_reason" CHECK ("stock_ledger"."reason" in ('receive', 'adjust', 'count', 'reserve', 'release', 'expire', 'commit', 'sale', 'sync', 'ship', 'cancel'));