import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../support/helpers";

/** Issue 11, item 8: secrets typed into a tool never reach run history or the database file, which is 0600. */

process.env.HTTP_TOOL_ALLOWED_HOSTS = "127.0.0.1";

const { closeDatabase, openDatabase } = await import("@/db/client");
const { env } = await import("@/lib/platform/env");
const { runTool, listToolRuns } = await import("@/lib/runs/tool-runs");
const { saveImport } = await import("@/lib/openapi/store");
const { redactSecrets, REDACTED } = await import("@/lib/runs/run-history");

let server: Server;
let base: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    request.on("end", () =>
      response.writeHead(200, { "content-type": "application/json", "set-cookie": "sid=server-cookie-secret" }).end(JSON.stringify({ ok: true })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The raw bytes of the SQLite file and, while open, its WAL. */
function databaseBytes(): Buffer {
  const path = env().DATABASE_PATH;
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)));
}

describe("run history", () => {
  it("stores api-call's credential headers redacted, and the database file never holds them", async () => {
    const user = await createUser("typed-secret");
    const secret = "Bearer sk_live_typed_into_api_call_0123456789";
    const apiKey = "typed-x-api-key-0123456789";
    const run = await runTool(user, "api-call", {
      endpoint: `${base}/things`,
      method: "POST",
      headers: { Authorization: secret, "X-Api-Key": apiKey, "x-request-id": "visible-123" },
      body: { name: "thing", password: "body-password-0123456789" },
    });
    expect(run.status).toBe("succeeded");
    expect(received.at(-1)).toMatchObject({ authorization: secret, "x-api-key": apiKey });
    expect(run.input).toMatchObject({
      headers: { Authorization: REDACTED, "X-Api-Key": REDACTED, "x-request-id": "visible-123" },
      body: { name: "thing", password: REDACTED },
    });
    expect(JSON.stringify(await listToolRuns(user.workspaceId))).not.toMatch(/sk_live_typed|typed-x-api-key|body-password/);
    const needles = ["sk_live_typed_into_api_call", apiKey, "body-password-0123456789"];
    const whileOpen = databaseBytes();
    await closeDatabase();
    const afterCheckpoint = databaseBytes();
    for (const needle of needles) expect([whileOpen.includes(needle), afterCheckpoint.includes(needle)]).toEqual([false, false]);
  });

  it("redacts the fields an imported API marks secret, and parameters named like credentials", async () => {
    const user = await createUser("imported-secret");
    const description = `
openapi: 3.0.3
info: { title: Secret Fields, version: "1" }
paths:
  /login:
    post:
      operationId: login
      parameters:
        - { name: X-Session-Token, in: header, schema: { type: string, format: password } }
        - { name: api_key, in: query, schema: { type: string } }
        - { name: page, in: query, schema: { type: integer } }
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties: { user: { type: string }, passphrase: { type: string, format: password } }
      responses: { "200": { description: ok } }
`;
    await saveImport(user.workspaceId, { source: { kind: "text", text: description }, serverUrl: base, auth: { kind: "none" } });
    const run = await runTool(user, "secret-fields.login", {
      "X-Session-Token": "session-token-0123456789",
      api_key: "query-key-0123456789",
      page: 2,
      body: { user: "ada", passphrase: "correct horse battery" },
    });
    expect(run.status).toBe("succeeded");
    expect(received.at(-1)!["x-session-token"]).toBe("session-token-0123456789");
    expect(JSON.stringify(run.input)).not.toMatch(/session-token-0123|query-key-0123|correct horse/);
    expect(run.input).toMatchObject({ page: 2, body: { user: "ada", passphrase: REDACTED } });
  });

  it("redacts credential-named fields at any depth, including response cookies", () => {
    expect(
      redactSecrets({
        headers: { "set-cookie": ["a=b"], Cookie: "c=d", accept: "json" },
        nested: [{ access_token: "t", refresh_token: "r", client_secret: "s" }],
        token: null,
      }),
    ).toEqual({
      headers: { "set-cookie": REDACTED, Cookie: REDACTED, accept: "json" },
      nested: [{ access_token: REDACTED, refresh_token: REDACTED, client_secret: REDACTED }],
      token: null,
    });
  });
});

describe("the database file", () => {
  const directory = mkdtempSync(join(tmpdir(), "patchbay-mode-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const mode = (file: string) => statSync(file).mode & 0o777;

  it("is created 0600, with its WAL and shared-memory files", () => {
    const path = join(directory, "fresh.db");
    const database = openDatabase(path);
    database.$client.exec("create table probe (value text); insert into probe values ('x');");
    expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    database.$client.close();
  });

  it("is tightened to 0600 when an older start-up left it readable by others", () => {
    const path = join(directory, "older.db");
    writeFileSync(path, "", { mode: 0o644 });
    writeFileSync(`${path}-wal`, "", { mode: 0o644 });
    const database = openDatabase(path);
    expect([mode(path), mode(`${path}-wal`)]).toEqual([0o600, 0o600]);
    database.$client.close();
  });
});
