import "server-only";
import { isIP, isIPv6 } from "node:net";
import { z } from "zod";
import { isPostgresUrl, type DatabaseDialect } from "@/lib/platform/dialect";
import { resolveEmbeddedSecrets } from "./embedded-secrets";

const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

const base64Key = z.string().refine((value) => Buffer.from(value, "base64").length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(value), {
  message: "expected base64 of 32 random bytes (openssl rand -base64 32)",
});

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined));

const hostName = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** Host names or IP addresses, comma-separated, as compared with a URL's host (no scheme, port or path). */
const hostList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((host) => host.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((host) => isIP(host) !== 0 || hostName.test(host), {
        message: "expected comma-separated host names or IP addresses (no scheme, port or path), e.g. 127.0.0.1,api.internal.example",
      }),
    ),
  );

/**
 * Where a browser on this machine reaches the server when APP_URL is unset: http://localhost:3000,
 * following PORT and HOSTNAME (server.ts copies -p and -H into them), so that
 * `PORT=3999 npm run dev` builds OAuth callback and webhook URLs on port 3999. A server bound to
 * every interface (0.0.0.0, ::) is reached at localhost.
 */
export function defaultAppUrl(port: number, hostname: string | undefined): string {
  if (!hostname || hostname === "0.0.0.0" || hostname === "::") return `http://localhost:${port}`;
  return `http://${isIPv6(hostname) ? `[${hostname}]` : hostname}:${port}`;
}

/** A From address: name@host, optionally as `Display Name <name@host>`. */
const mailAddress = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

const sqlitePath = /^(file:)?[^:]+$/;
export type { DatabaseDialect };

/** Every variable Patchbay reads, in one place. README's configuration table mirrors this schema. */
const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z
    .url({ message: "expected an absolute http(s) URL such as http://localhost:3000" })
    .optional()
    .transform((value) => value?.replace(/\/+$/, "")),
  /** The port server.ts listens on (`-p` overrides it); APP_URL's default follows it. */
  PORT: z.coerce.number({ message: "expected a port number such as 3000" }).int().min(1).max(65535).default(3000),
  /** The interface server.ts binds (`-H` overrides it); APP_URL's default follows it. */
  HOSTNAME: optionalText,
  DATA_DIR: z.string().min(1).default("./data"),
  /** A SQLite file (file: optional), or postgres:// / postgresql:// for PostgreSQL (see databaseDialect). */
  DATABASE_URL: z
    .string()
    .refine((value) => sqlitePath.test(value) || isPostgresUrl(value), {
      message: "expected a SQLite file path such as file:./data/patchbay.db, or a PostgreSQL URL such as postgres://patchbay:password@localhost:5432/patchbay",
    })
    .optional(),
  /** Connections each process keeps to PostgreSQL (SQLite has one). */
  DATABASE_POOL_SIZE: z.coerce.number({ message: "expected a number of connections such as 10" }).int().min(1).max(500).default(10),
  AUTH_SECRET: z.string().min(32, { message: "expected at least 32 characters (openssl rand -base64 32)" }).optional(),
  ENCRYPTION_KEY: base64Key.optional(),
  ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(z.array(base64Key)),
  ALLOW_SIGNUP: booleanFlag,
  AUTH_GITHUB_ID: optionalText,
  AUTH_GITHUB_SECRET: optionalText,
  GITHUB_BASE_URL: z
    .url({ message: "expected the GitHub web origin, e.g. https://github.com or https://ghe.example.com" })
    .default("https://github.com")
    .transform((value) => value.replace(/\/+$/, "")),
  GITHUB_API_URL: z
    .url({ message: "expected the GitHub REST API root, e.g. https://api.github.com or https://ghe.example.com/api/v3" })
    .default("https://api.github.com")
    .transform((value) => value.replace(/\/+$/, "")),
  PROVIDERS_FILE: optionalText,
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /**
   * Bytes of webhook bodies the process holds at once while reading, verifying and storing them;
   * past it intake answers 503. Unset: 256 MB, or 4 x WEBHOOK_MAX_BYTES when that is more.
   */
  WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: z.coerce.number({ message: "expected a number of bytes such as 268435456" }).int().min(1024).optional(),
  /** Seconds before each retry of a failing delivery (Svix's schedule); its length is the number of retries. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default("5,300,1800,7200,18000,36000,36000")
    .transform((value) => value.split(",").map((part) => Number(part.trim())))
    .pipe(z.array(z.number().nonnegative()).min(1, { message: "expected comma-separated seconds such as 5,300,1800" })),
  /** Refused deliveries kept per endpoint; older refusals are dropped so garbage cannot fill the disk. */
  WEBHOOK_REJECTED_CAP: z.coerce.number().int().min(10).default(1000),
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).default(24),
  /** During a burst of deliveries processing waits for intake, but never longer than this (0: never waits). */
  WEBHOOK_PROCESSING_MAX_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * Deliveries one process works on at once. More share each commit (on SQLite one fsync serves
   * every delivery that wrote in that turn), at the price of more payloads in memory and more
   * concurrent calls to the services automations reach.
   */
  WEBHOOK_PROCESSING_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
  /** How long a delivery being processed stays leased; renewed while it runs, so this is how soon a crashed process's delivery is taken over. */
  WEBHOOK_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Days a delivery's body and headers are kept; after that only its row, status and dedupe key remain (0: keep forever). */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  /** Days the inputs and outputs of tool and workflow runs are kept; the run rows stay (0: keep forever). */
  RUN_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(90),
  /** Days the audit log keeps an entry (0: keep forever). */
  AUDIT_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(365),
  /** Failed sign-ins per (address, email) within 15 minutes before that pair is blocked. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins from one address, whatever the email, before the address is blocked; unset: 4 x LOGIN_MAX_FAILURES. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).optional(),
  /**
   * The SMTP server mail goes out through: smtp://user:pass@host:port (STARTTLS when the server
   * offers it) or smtps://user:pass@host:port (TLS from the start); unset: no mail is sent.
   */
  SMTP_URL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .pipe(
      z
        .url({ protocol: /^smtps?$/, message: "expected smtp://user:password@host:port or smtps://user:password@host:port" })
        .refine((value) => new URL(value).hostname !== "", { message: "expected a host, e.g. smtp://user:password@mail.example.com:587" })
        .optional(),
    ),
  /** The From address of mail Patchbay sends, e.g. "Patchbay <patchbay@example.com>"; required with SMTP_URL. */
  MAIL_FROM: optionalText,
  /** true: the app runs behind a reverse proxy that sets X-Forwarded-For, so the client address is read from it. */
  TRUST_PROXY: booleanFlag,
  /** How long a token, refresh or revocation request to a provider may take. */
  OAUTH_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(15),
  /** Hosts the outbound HTTP client may reach even when they resolve to private or loopback addresses. */
  HTTP_TOOL_ALLOWED_HOSTS: hostList,
  /** The agent's model as a Mastra model-router id; unset: the agent page says what to set, nothing else changes. */
  AGENT_MODEL: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .pipe(
      z
        .string()
        .regex(/^[\w.@-]+\/\S+$/, { message: "expected a model-router id provider/model, e.g. openai/gpt-5-mini or ollama/llama3.2" })
        .optional(),
    ),
  /** Any OpenAI-compatible chat-completions server (a gateway, Ollama, vLLM); unset: the provider's own API. */
  AGENT_MODEL_URL: z
    .string()
    .optional()
    .transform((value) => value?.trim().replace(/\/+$/, "") || undefined)
    .pipe(z.url({ protocol: /^https?$/, message: "expected the server's OpenAI-compatible API root, e.g. http://localhost:11434/v1" }).optional()),
  AGENT_MODEL_API_KEY: optionalText,
  /** The largest response body a tool's outbound call reads; a larger one is refused while it streams in. */
  TOOL_RESPONSE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /** Requests one access token may make to /api/mcp per minute. */
  MCP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Dynamic client registrations (RFC 7591) one client address may make per hour; past it, 429 with Retry-After. */
  OAUTH_REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** OAuth clients registered in the last day that have not obtained a token yet, at most; past it, 503 with Retry-After. */
  OAUTH_MAX_PENDING_CLIENTS: z.coerce.number().int().min(1).default(500),
  /** Requests one person may make to /api/mcp per minute with all their tokens together. */
  MCP_RATE_LIMIT_PER_PERSON_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** OpenTelemetry's OTLP/HTTP collector (the standard variable; the exporter reads it and the other OTEL_* ones itself); unset: no traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .pipe(z.url({ protocol: /^https?$/, message: "expected the collector's OTLP/HTTP root, e.g. http://localhost:4318" }).optional()),
  /** The bearer token Prometheus sends to GET /metrics; unset: /metrics answers 404. */
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined)
    .pipe(z.string().min(16, { message: "expected at least 16 characters (openssl rand -hex 32)" }).optional()),
});

/** WEBHOOK_INTAKE_MAX_BUFFERED_BYTES when unset: room for about ten of the largest deliveries, and for thousands of ordinary ones. */
const DEFAULT_INTAKE_BUFFERED_BYTES = 256 * 1024 * 1024;

export const envSchema = variables.transform((parsed, context) => {
  const intakeBudget = parsed.WEBHOOK_INTAKE_MAX_BUFFERED_BYTES ?? Math.max(DEFAULT_INTAKE_BUFFERED_BYTES, 4 * parsed.WEBHOOK_MAX_BYTES);
  if (intakeBudget < parsed.WEBHOOK_MAX_BYTES) {
    const message = `expected at least WEBHOOK_MAX_BYTES (${parsed.WEBHOOK_MAX_BYTES}), or a delivery of that size would never fit`;
    context.issues.push({ code: "custom", path: ["WEBHOOK_INTAKE_MAX_BUFFERED_BYTES"], input: intakeBudget, message });
    return z.NEVER;
  }
  if (parsed.SMTP_URL && !parsed.MAIL_FROM) {
    context.issues.push({
      code: "custom",
      path: ["MAIL_FROM"],
      input: parsed.MAIL_FROM,
      message: "expected the From address of mail, e.g. Patchbay <patchbay@example.com>, since SMTP_URL is set",
    });
    return z.NEVER;
  }
  if (parsed.MAIL_FROM && !mailAddress.test(parsed.MAIL_FROM)) {
    context.issues.push({
      code: "custom",
      path: ["MAIL_FROM"],
      input: parsed.MAIL_FROM,
      message: "expected an address such as patchbay@example.com or Patchbay <patchbay@example.com>",
    });
    return z.NEVER;
  }
  const appUrl = parsed.APP_URL ?? defaultAppUrl(parsed.PORT, parsed.HOSTNAME);
  if (!parsed.APP_URL && !URL.canParse(appUrl)) {
    context.issues.push({ code: "custom", path: ["HOSTNAME"], input: parsed.HOSTNAME, message: "expected a host name or IP address (or set APP_URL)" });
    return z.NEVER;
  }
  return { ...parsed, APP_URL: appUrl, WEBHOOK_INTAKE_MAX_BUFFERED_BYTES: intakeBudget };
});

export type RawEnv = z.infer<typeof envSchema>;

export type Env = Omit<RawEnv, "AUTH_SECRET" | "ENCRYPTION_KEY"> & {
  /** postgres when DATABASE_URL is a postgres:// or postgresql:// URL; SQLite otherwise. */
  DATABASE_DIALECT: DatabaseDialect;
  /**
   * The SQLite file. With PostgreSQL (experimental) it is still DATA_DIR/patchbay.db, which the
   * parts of the data layer not yet on PostgreSQL keep using.
   */
  DATABASE_PATH: string;
  AUTH_SECRET: string;
  ENCRYPTION_KEY: string;
  githubSignInEnabled: boolean;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses a set of variables; throws an EnvError whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): RawEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new EnvError(`Invalid environment variable ${name}: ${issue.message}`);
  }
  return result.data;
}

/** Which database DATABASE_URL names: PostgreSQL for a postgres:// or postgresql:// URL, SQLite otherwise. */
export function databaseDialect(config: { DATABASE_URL?: string | undefined } = env()): DatabaseDialect {
  return config.DATABASE_URL && isPostgresUrl(config.DATABASE_URL) ? "postgres" : "sqlite";
}

export function databasePath(raw: Pick<RawEnv, "DATABASE_URL" | "DATA_DIR">): string {
  if (raw.DATABASE_URL && databaseDialect(raw) === "sqlite") return raw.DATABASE_URL.replace(/^file:/, "");
  return `${raw.DATA_DIR.replace(/\/+$/, "")}/patchbay.db`;
}

/**
 * What PostgreSQL asks of the environment, checked before anything is generated: several
 * processes share one database, so each needs the same keys from the environment (a
 * secrets.json generated in one process's DATA_DIR is no use to the others).
 */
function checkPostgres(raw: RawEnv): void {
  if (databaseDialect(raw) !== "postgres") return;
  const missing = (["AUTH_SECRET", "ENCRYPTION_KEY"] as const).filter((name) => !raw[name]);
  if (missing.length > 0) {
    throw new EnvError(
      `Missing environment variable ${missing.join(" and ")}: with PostgreSQL every process needs the same keys, so set ${missing.length > 1 ? "them" : "it"} (openssl rand -base64 32)`,
    );
  }
}

/**
 * Where generated keys are kept (secrets.json): DATA_DIR when it is set; otherwise, with a SQLite
 * DATABASE_URL, beside that database file (the keys belong with the data they seal, not in the
 * directory Patchbay was started from, which may be a checkout); else the default DATA_DIR.
 */
export function secretsDirectory(raw: Pick<RawEnv, "DATABASE_URL" | "DATA_DIR">, source: Record<string, string | undefined>): string {
  if (source.DATA_DIR?.trim()) return raw.DATA_DIR;
  if (raw.DATABASE_URL && databaseDialect(raw) === "sqlite") {
    const file = databasePath(raw);
    const slash = file.lastIndexOf("/");
    return slash < 0 ? "." : slash === 0 ? "/" : file.slice(0, slash);
  }
  return raw.DATA_DIR;
}

/** Parses the environment and fills AUTH_SECRET / ENCRYPTION_KEY from secrets.json (secretsDirectory) when unset (SQLite only). */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const raw = parseEnv(source);
  checkPostgres(raw);
  const secrets = resolveEmbeddedSecrets(secretsDirectory(raw, source), {
    AUTH_SECRET: raw.AUTH_SECRET,
    ENCRYPTION_KEY: raw.ENCRYPTION_KEY,
  });
  return {
    ...raw,
    DATABASE_DIALECT: databaseDialect(raw),
    DATABASE_PATH: databasePath(raw),
    AUTH_SECRET: secrets.AUTH_SECRET,
    ENCRYPTION_KEY: secrets.ENCRYPTION_KEY,
    githubSignInEnabled: Boolean(raw.AUTH_GITHUB_ID && raw.AUTH_GITHUB_SECRET),
  };
}

/**
 * A provider's own variables (client ids and secrets, API keys, base URLs) are named in its
 * declaration (lib/providers), including those a deployment declares in PROVIDERS_FILE; they are
 * read here, trimmed, with an empty value treated as unset.
 */
export function readVariable(name: string, source: Record<string, string | undefined> = process.env): string | undefined {
  // On the webhook intake's hot path (instance secrets), so a plain trim rather than a schema.
  const value = source[name]?.trim();
  return value ? value : undefined;
}

export function httpUrlError(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an absolute http(s) URL";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? undefined : `expected an http(s) URL, not ${url.protocol}`;
}

let cached: Env | undefined;

/** The process-wide configuration, parsed on first use. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
