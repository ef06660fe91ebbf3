CREATE TABLE "job_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"instance" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "job_runs_status" CHECK ("job_runs"."status" in ('running', 'success', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_tick" ON "job_runs" USING btree ("job","scheduled_for");--> statement-breakpoint
CREATE INDEX "job_runs_recent" ON "job_runs" USING btree ("job","started_at" DESC NULLS LAST);