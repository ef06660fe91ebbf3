CREATE TABLE "api_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"low_stock_threshold" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_sku_shape" CHECK ("products"."sku" = upper(btrim("products"."sku")) and length("products"."sku") between 1 and 64),
	CONSTRAINT "products_price" CHECK ("products"."price_minor" >= 0),
	CONSTRAINT "products_currency" CHECK ("products"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "products_threshold" CHECK ("products"."low_stock_threshold" >= 0)
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"product_id" bigint NOT NULL,
	"qty" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reference" text,
	"idempotency_key" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reservations_qty" CHECK ("reservations"."qty" > 0),
	CONSTRAINT "reservations_status" CHECK ("reservations"."status" in ('pending', 'committed', 'released', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "stock_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"product_id" bigint NOT NULL,
	"reason" text NOT NULL,
	"delta_total" integer DEFAULT 0 NOT NULL,
	"delta_reserved" integer DEFAULT 0 NOT NULL,
	"delta_sold" integer DEFAULT 0 NOT NULL,
	"total_after" integer NOT NULL,
	"reserved_after" integer NOT NULL,
	"sold_after" integer NOT NULL,
	"actor" text NOT NULL,
	"reference" text,
	"note" text,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_ledger_reason" CHECK ("stock_ledger"."reason" in ('receive', 'adjust', 'count', 'reserve', 'release', 'expire', 'commit', 'sale', 'sync'))
);
--> statement-breakpoint
CREATE TABLE "stock_levels" (
	"product_id" bigint PRIMARY KEY NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"sold" integer DEFAULT 0 NOT NULL,
	"available" integer GENERATED ALWAYS AS (total - reserved - sold) STORED,
	"low_alerted" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_levels_total" CHECK ("stock_levels"."total" >= 0),
	CONSTRAINT "stock_levels_reserved" CHECK ("stock_levels"."reserved" >= 0),
	CONSTRAINT "stock_levels_sold" CHECK ("stock_levels"."sold" >= 0),
	CONSTRAINT "stock_levels_no_oversell" CHECK ("stock_levels"."reserved" + "stock_levels"."sold" <= "stock_levels"."total")
);
--> statement-breakpoint
CREATE TABLE "stock_views" (
	"user_id" bigint NOT NULL,
	"product_id" bigint NOT NULL,
	"last_ledger_id" bigint NOT NULL,
	"total" integer NOT NULL,
	"shown_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_ledger" ADD CONSTRAINT "stock_ledger_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_views" ADD CONSTRAINT "stock_views_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku" ON "products" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_idempotency" ON "reservations" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "reservations_due" ON "reservations" USING btree ("expires_at") WHERE "reservations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "reservations_product_pending" ON "reservations" USING btree ("product_id") WHERE "reservations"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "stock_ledger_idempotency" ON "stock_ledger" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "stock_ledger_product" ON "stock_ledger" USING btree ("product_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_views_user_product" ON "stock_views" USING btree ("user_id","product_id");