ALTER TABLE "inbound_updates" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "chat_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD COLUMN "done_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
-- Updates recorded before this migration were already handled when they arrived.
UPDATE "inbound_updates" SET "status" = 'done', "done_at" = "received_at";--> statement-breakpoint
CREATE INDEX "inbound_updates_queue" ON "inbound_updates" USING btree ("platform","chat_key","seq") WHERE "inbound_updates"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_idempotency_key_unique" UNIQUE("idempotency_key");--> statement-breakpoint
ALTER TABLE "inbound_updates" ADD CONSTRAINT "inbound_updates_status" CHECK ("inbound_updates"."status" in ('pending', 'done', 'dead'));