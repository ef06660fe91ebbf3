CREATE TABLE "command_counts" (
	"command" text NOT NULL,
	"platform" text NOT NULL,
	"outcome" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "command_counts_command_platform_outcome_pk" PRIMARY KEY("command","platform","outcome")
);
