CREATE TABLE "chat_menus" (
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"commands" jsonb NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_menus_platform_chat_id_pk" PRIMARY KEY("platform","chat_id")
);
--> statement-breakpoint
CREATE TABLE "chat_windows" (
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"last_inbound_at" timestamp with time zone,
	CONSTRAINT "chat_windows_platform_chat_id_pk" PRIMARY KEY("platform","chat_id")
);
--> statement-breakpoint
CREATE TABLE "sent_messages" (
	"platform" text NOT NULL,
	"message_id" text NOT NULL,
	"outbox_id" bigint NOT NULL,
	"part" integer NOT NULL,
	"status" text DEFAULT 'accepted' NOT NULL,
	"error_code" integer,
	"error_title" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sent_messages_platform_message_id_pk" PRIMARY KEY("platform","message_id"),
	CONSTRAINT "sent_messages_status" CHECK ("sent_messages"."status" in ('accepted', 'sent', 'delivered', 'read', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "outbox_status";--> statement-breakpoint
ALTER TABLE "sent_messages" ADD CONSTRAINT "sent_messages_outbox_id_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."outbox"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sent_messages_outbox" ON "sent_messages" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "outbox_held" ON "outbox" USING btree ("platform","chat_id") WHERE "outbox"."status" = 'held';--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_status" CHECK ("outbox"."status" in ('pending', 'sending', 'sent', 'dead', 'held'));