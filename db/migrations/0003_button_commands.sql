CREATE TABLE "button_commands" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"command" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "button_commands_command_unique" UNIQUE("command")
);
