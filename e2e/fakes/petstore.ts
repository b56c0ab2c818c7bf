/**
 * A small Petstore API and its own OpenAPI 3.0 description (GET /openapi.json), the way many real
 * services publish theirs: the browser tests import the description, then run its operations
 * against this server. GET /_fake/state lists the requests it served; GET /_fake/large?mb=N answers
 * N MB of JSON. Never imported by app code.
 */
import { createServer, type Server } from "node:http";

type Pet = { id: number; name: string; tag?: string };
export type FakePetstore = {
  url: string;
  server: Server;
  requests: { method: string; url: string; apiKey?: string; body?: unknown }[];
  close: () => Promise<void>;
};

export function petstoreDescription(serverUrl: string) {
  const pet = {
    type: "object",
    required: ["name"],
    properties: {
      id: { type: "integer", readOnly: true },
      name: { type: "string", description: "The pet's name" },
      tag: { type: "string", enum: ["cat", "dog", "fish"] },
    },
  };
  return {
    openapi: "3.0.3",
    info: { title: "Petstore", version: "1.2.0", description: "A small pet shop." },
    servers: [{ url: serverUrl, description: "The fake" }],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" } }, schemas: { Pet: pet } },
    paths: {
      "/pets": {
        get: {
          operationId: "listPets",
          summary: "List pets",
          tags: ["pets"],
          parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
          responses: { "200": { description: "The pets" } },
        },
        post: {
          operationId: "createPet",
          summary: "Add a pet",
          tags: ["pets"],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
          responses: { "201": { description: "Created" } },
        },
      },
      "/pets/{petId}": {
        get: {
          operationId: "showPetById",
          summary: "Show one pet",
          tags: ["pets"],
          parameters: [{ name: "petId", in: "path", required: true, schema: { type: "integer" } }],
          responses: { "200": { description: "The pet" }, "404": { description: "No such pet" } },
        },
      },
      "/health": { get: { operationId: "health", summary: "Is the shop open", tags: ["meta"], security: [], responses: { "200": { description: "Open" } } } },
    },
  };
}

export async function startFakePetstore(port = 0, apiKey = "pet-key-0001"): Promise<FakePetstore> {
  const pets: Pet[] = [
    { id: 1, name: "Tom", tag: "cat" },
    { id: 2, name: "Rex", tag: "dog" },
  ];
  const requests: FakePetstore["requests"] = [];
  let url = "";
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const target = new URL(request.url ?? "/", "http://localhost");
      const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (target.pathname === "/openapi.json") return json(200, petstoreDescription(url));
      if (target.pathname === "/_fake/state") return json(200, { requests });
      // A large answer (?mb=N) for the run-history bounds test; no key needed.
      if (target.pathname === "/_fake/large") return json(200, { items: "x".repeat(Number(target.searchParams.get("mb") ?? 1) * 1024 * 1024) });
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const key = request.headers["x-api-key"] as string | undefined;
      requests.push({ method: request.method!, url: request.url!, apiKey: key ? `…${key.slice(-4)}` : undefined, body });
      if (target.pathname === "/health") return json(200, { open: true });
      if (key !== apiKey) return json(401, { message: "Missing or wrong X-Api-Key" });
      if (target.pathname === "/pets" && request.method === "GET") return json(200, pets.slice(0, Number(target.searchParams.get("limit") ?? pets.length)));
      if (target.pathname === "/pets" && request.method === "POST") {
        const pet = { id: pets.length + 1, name: String(body?.name), ...(body?.tag ? { tag: String(body.tag) } : {}) };
        pets.push(pet);
        return json(201, pet);
      }
      const match = /^\/pets\/(\d+)$/.exec(target.pathname);
      if (match && request.method === "GET") {
        const pet = pets.find((candidate) => candidate.id === Number(match[1]));
        return pet ? json(200, pet) : json(404, { message: `No pet ${match[1]}` });
      }
      return json(404, { message: "Not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return { url, server, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakePetstore(Number(process.env.FAKE_PETSTORE_PORT ?? 0));
  console.log(`fake Petstore listening on ${fake.url}`);
}
