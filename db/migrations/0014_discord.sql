CREATE TABLE "discord_command_sets" (
	"scope" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discord_interactions" (
	"id" text PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"channel_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"acknowledged" boolean DEFAULT false NOT NULL,
	"message_id" text,
	"expired" boolean DEFAULT false NOT NULL,
	CONSTRAINT "discord_interactions_channel" CHECK ("discord_interactions"."channel_id" ~ '^[0-9]{1,25}$')
);
--> statement-breakpoint
CREATE INDEX "discord_interactions_age" ON "discord_interactions" USING btree ("received_at");