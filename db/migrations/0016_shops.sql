CREATE TABLE "etsy_links" (
	"connection_id" bigint NOT NULL,
	"listing_id" bigint NOT NULL,
	"variant" text NOT NULL,
	"product_id" bigint NOT NULL,
	CONSTRAINT "etsy_links_connection_id_listing_id_variant_pk" PRIMARY KEY("connection_id","listing_id","variant")
);
--> statement-breakpoint
CREATE TABLE "etsy_pushes" (
	"connection_id" bigint NOT NULL,
	"listing_id" bigint NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "etsy_pushes_connection_id_listing_id_pk" PRIMARY KEY("connection_id","listing_id")
);
--> statement-breakpoint
CREATE TABLE "etsy_receipts" (
	"receipt_id" bigint PRIMARY KEY NOT NULL,
	"connection_id" bigint NOT NULL,
	"sale_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_connections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"platform" text DEFAULT 'etsy' NOT NULL,
	"shop_id" bigint NOT NULL,
	"shop_name" text NOT NULL,
	"member_id" bigint NOT NULL,
	"access_token" text NOT NULL,
	"refresh_token" text NOT NULL,
	"access_expires_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"broken_at" timestamp with time zone,
	"connected_by" bigint,
	"chat_platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"locale" text NOT NULL,
	"receipts_since" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shop_connections_status" CHECK ("shop_connections"."status" in ('active', 'broken'))
);
--> statement-breakpoint
CREATE TABLE "shop_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"verifier" text NOT NULL,
	"user_id" bigint NOT NULL,
	"chat_platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"locale" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" bigint,
	"shop" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"read" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"calls_used" integer DEFAULT 0 NOT NULL,
	"error" text,
	"error_reason" text,
	"error_details" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "sync_runs_status" CHECK ("sync_runs"."status" in ('running', 'success', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "etsy_links" ADD CONSTRAINT "etsy_links_connection_id_shop_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."shop_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etsy_links" ADD CONSTRAINT "etsy_links_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etsy_pushes" ADD CONSTRAINT "etsy_pushes_connection_id_shop_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."shop_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etsy_receipts" ADD CONSTRAINT "etsy_receipts_connection_id_shop_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."shop_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etsy_receipts" ADD CONSTRAINT "etsy_receipts_sale_id_sales_id_fk" FOREIGN KEY ("sale_id") REFERENCES "public"."sales"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_connection_id_shop_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."shop_connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "etsy_links_product" ON "etsy_links" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_connections_shop" ON "shop_connections" USING btree ("platform","shop_id");--> statement-breakpoint
CREATE INDEX "sync_runs_recent" ON "sync_runs" USING btree ("connection_id","started_at" DESC NULLS LAST);--> statement-breakpoint
-- A stock change to a product linked to an Etsy listing, made by anyone but Etsy itself, queues that listing for
-- the push back to Etsy in the same transaction: durable, coalesced per listing, never an echo of Etsy's own change.
-- Once per statement over the rows it added, so a batch of reservations pays one lookup, not one per ledger row.
CREATE FUNCTION etsy_queue_push() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO etsy_pushes (connection_id, listing_id)
    SELECT DISTINCT l.connection_id, l.listing_id
    FROM added a JOIN etsy_links l ON l.product_id = a.product_id
    WHERE a.actor <> 'etsy'
  ON CONFLICT (connection_id, listing_id) DO UPDATE SET queued_at = clock_timestamp();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stock_ledger_etsy_push AFTER INSERT ON stock_ledger
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION etsy_queue_push();
