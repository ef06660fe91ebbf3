ALTER TABLE "reservations" DROP CONSTRAINT "reservations_product_id_products_id_fk";
--> statement-breakpoint
ALTER TABLE "stock_ledger" DROP CONSTRAINT "stock_ledger_product_id_products_id_fk";
--> statement-breakpoint
DROP INDEX "reservations_due";--> statement-breakpoint
DROP INDEX "reservations_product_pending";--> statement-breakpoint
CREATE INDEX "reservations_pending" ON "reservations" USING btree ("product_id","expires_at") WHERE "reservations"."status" = 'pending';--> statement-breakpoint
-- Products are archived, never deleted: reservations and ledger rows name them without a foreign key (its check
-- share-locked the product row on every hold), so nothing may remove a product they could name.
CREATE FUNCTION products_are_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'products are archived, never deleted (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER products_never_deleted BEFORE DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION products_are_never_deleted();
--> statement-breakpoint
CREATE TRIGGER products_never_truncated BEFORE TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION products_are_never_deleted();
