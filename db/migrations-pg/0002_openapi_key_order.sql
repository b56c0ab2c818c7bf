ALTER TABLE "openapi_operations" ALTER COLUMN "input_schema" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "openapi_operations" ALTER COLUMN "request" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "openapi_specs" ALTER COLUMN "security_schemes" SET DATA TYPE json;