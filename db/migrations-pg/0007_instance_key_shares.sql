CREATE TABLE "instance_key_shares" (
	"provider_id" text PRIMARY KEY NOT NULL,
	"key_sha256" text NOT NULL,
	"shared_by" text NOT NULL,
	"shared_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "instance_key_shares" ADD CONSTRAINT "instance_key_shares_shared_by_user_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;