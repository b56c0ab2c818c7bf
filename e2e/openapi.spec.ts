import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/accounts";
import { fakePetstoreUrl } from "./support/fakes";

test.describe.configure({ mode: "serial" });

const API_KEY = "pet-key-0001";

type PetstoreState = { requests: { method: string; url: string; apiKey?: string; body?: unknown }[] };

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("paste a description, preview it, save it, find the tool, run it against the API and see its response", async ({ page, request }) => {
  const description = await (await request.get(`${fakePetstoreUrl}/openapi.json`)).text();
  await page.goto("/tools");
  await page.getByRole("link", { name: "Import an OpenAPI description" }).click();
  await page.getByLabel("OpenAPI description (JSON or YAML)").fill(description);
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByTestId("preview-title")).toContainText("Petstore");
  await expect(page.getByTestId("preview-title")).toContainText("OpenAPI 3.0.3");
  await expect(page.getByTestId("preview-count")).toContainText("4 operations");
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByText("pets (3/3)")).toBeVisible();
  await expect(preview.getByText("meta (1/1)")).toBeVisible();
  await expect(page.getByLabel("Server", { exact: true }).locator("option:checked")).toContainText(fakePetstoreUrl);
  await expect(page.getByLabel("Security scheme")).toHaveValue("apiKey");
  await page.getByLabel("Key or token", { exact: true }).fill(API_KEY);
  await page.getByRole("button", { name: "Import (4 of 4 operations enabled as tools)" }).click();

  await expect(page.getByText("Imported 4 operations from Petstore; 4 are enabled as tools.")).toBeVisible();
  await expect(page.getByText("A sealed key ending in …0001")).toBeVisible();
  await page.getByRole("link", { name: "All tools" }).click();
  const operations = page.getByRole("list", { name: "Petstore operations" });
  await expect(operations.getByRole("link", { name: "petstore.showPetById" })).toBeVisible();
  await expect(page.getByRole("link", { name: "github-create-issue" })).toBeVisible();
  await operations.getByRole("link", { name: "petstore.showPetById" }).click();

  await expect(page.getByRole("heading", { name: "petstore.showPetById" })).toBeVisible();
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.locator("#field-petId-error")).toHaveText("Required.");
  await page.getByLabel("Pet Id").fill("2");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  const output = page.getByTestId("json-tree");
  await expect(output).toContainText("status: 200");
  await expect(output).toContainText("Rex");

  const state = (await (await request.get(`${fakePetstoreUrl}/_fake/state`)).json()) as PetstoreState;
  expect(state.requests).toContainEqual({ method: "GET", url: "/pets/2", apiKey: "…0001" });
  expect(await page.content()).not.toContain(API_KEY);

  // A request body from the generated form, and the API's error shown plainly.
  await page.goto("/tools/petstore.createPet");
  await page.getByLabel("Name").fill("Nemo");
  await page.getByLabel("Tag").selectOption("fish");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
  await expect(page.getByTestId("json-tree")).toContainText("status: 201");
  await page.goto("/tools/petstore.showPetById");
  await page.getByLabel("Pet Id").fill("99");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Failed");
  await expect(page.getByText("The API answered 404.").first()).toBeVisible();
  const after = (await (await request.get(`${fakePetstoreUrl}/_fake/state`)).json()) as PetstoreState;
  expect(after.requests).toContainEqual({ method: "POST", url: "/pets", apiKey: "…0001", body: { name: "Nemo", tag: "fish" } });
});

test("an invalid description is refused with located problems, and nothing is saved", async ({ page }) => {
  await page.goto("/tools/import");
  await page
    .getByLabel("OpenAPI description (JSON or YAML)")
    .fill(
      [
        "openapi: 3.0.3",
        "info: { title: Broken, version: '1' }",
        "paths:",
        "  /pets:",
        "    get:",
        "      parameters:",
        "        - { name: limit, in: body }",
        "      responses: { '200': { description: ok } }",
      ].join("\n"),
    );
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("This description cannot be imported")).toBeVisible();
  await expect(page.getByTestId("import-problems")).toContainText("paths./pets.get.parameters[0]");
  await expect(page.getByRole("region", { name: "Preview" })).toHaveCount(0);
  await page.goto("/tools");
  await expect(page.getByRole("heading", { name: "Broken" })).toHaveCount(0);
});

test("import from a URL replaces the earlier import of the same API", async ({ page }) => {
  await page.goto("/tools/import");
  await page.getByLabel("From a URL").check();
  await page.getByLabel("URL of the description").fill(`${fakePetstoreUrl}/openapi.json`);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-diff")).toContainText(
    "You imported Petstore before (4 operations). Saving replaces it: 0 added, 0 removed, 0 changed, 4 unchanged.",
  );
  await page.getByLabel("Key or token", { exact: true }).fill(API_KEY);
  await expect(page.getByRole("button", { name: "Apply changes (4 tools enabled)" })).toBeDisabled();
  await page.getByLabel("Apply these changes").check();
  await page.getByRole("button", { name: "Apply changes (4 tools enabled)" }).click();
  await expect(page.getByText("Imported 4 operations from Petstore")).toBeVisible();
  await expect(page.getByText(`${fakePetstoreUrl}/openapi.json`)).toBeVisible();
});

test("a thousand-operation API imports, filters as you type, and can be deleted", async ({ page }) => {
  const paths: Record<string, unknown> = {};
  for (let index = 0; index < 1200; index++) {
    const id = String(index).padStart(4, "0");
    paths[`/resources${index % 40}/items${id}/{itemId}`] = {
      [index % 3 === 0 ? "post" : "get"]: {
        operationId: `op${id}`,
        summary: `Operation number ${id}`,
        tags: [`group${index % 12}`],
        parameters: [{ name: "itemId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    };
  }
  const large = JSON.stringify({ openapi: "3.1.0", info: { title: "Big API", version: "9" }, servers: [{ url: fakePetstoreUrl }], paths });
  await page.goto("/tools/import");
  await page.getByLabel("OpenAPI description (JSON or YAML)").fill(large);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-count")).toContainText("1200 operations");
  await expect(page.getByText("This API has 1200 operations, so none starts enabled.")).toBeVisible();
  await page.getByRole("button", { name: "Enable all", exact: true }).click();
  await page.getByRole("button", { name: "Import (1200 of 1200 operations enabled as tools)" }).click();
  await expect(page.getByText("Imported 1200 operations from Big API; 1200 are enabled as tools.")).toBeVisible();

  const filter = page.getByLabel("Filter Big API operations");
  await expect(page.getByText("1200 operations; showing the first 100")).toBeVisible();
  await filter.fill("op0777");
  await expect(page.getByText("1 of 1200 operations match")).toBeVisible();
  await expect(page.getByRole("link", { name: "big-api.op0777" })).toBeVisible();
  await filter.fill("items07");
  await expect(page.getByText("100 of 1200 operations match")).toBeVisible();
  await page.getByLabel("Method").selectOption("POST");
  await expect(page.getByText("33 of 1200 operations match")).toBeVisible();
  await filter.fill("");
  await page.getByLabel("Method").selectOption("");
  await page.getByLabel("Tag").selectOption("group5");
  await expect(page.getByText("100 of 1200 operations match")).toBeVisible();

  await page.getByRole("button", { name: "Delete API and its tools" }).click();
  await expect(page.getByText("The API and its tools were deleted.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Big API" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Petstore" })).toBeVisible();
});

test("a published-style description: warnings shown, a tag enabled, one operation run, a changed version re-imported after confirming the difference", async ({
  page,
  request,
}) => {
  const description = JSON.parse(await (await request.get(`${fakePetstoreUrl}/openapi.json`)).text()) as {
    info: Record<string, unknown>;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  // As published descriptions often are: a 3.1 construct in a 3.0 document, and a new title so this is a fresh import.
  description.info.title = "Pet Shop";
  const firstPath = Object.keys(description.paths)[0]!;
  const firstOperation = Object.values(description.paths[firstPath]!)[0]!;
  firstOperation.parameters = [...((firstOperation.parameters as unknown[]) ?? []), { name: "note", in: "query", schema: { type: "null" } }];
  await page.goto("/tools/import");
  await page.getByLabel("OpenAPI description (JSON or YAML)").fill(JSON.stringify(description));
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-warnings")).toContainText('type "null" is OpenAPI 3.1, not 3.0; read as 3.1 reads it');

  await page.getByRole("button", { name: "Disable all", exact: true }).click();
  await page.getByLabel("All of pets").check();
  await expect(page.getByTestId("enabled-count")).toHaveText("3 of 4 operations enabled as tools");
  await page.getByLabel("Key or token", { exact: true }).fill(API_KEY);
  await page.getByRole("button", { name: "Import (3 of 4 operations enabled as tools)" }).click();
  await expect(page.getByText("Imported 4 operations from Pet Shop; 3 are enabled as tools.")).toBeVisible();

  await page.goto("/tools/pet-shop.showPetById");
  await page.getByLabel("Pet Id").fill("2");
  await page.getByRole("button", { name: "Run tool" }).click();
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");

  // Version 2: one operation removed, one added.
  const removedPath = Object.keys(description.paths).find((path) => path !== firstPath && !path.includes("{"))!;
  const removed = Object.entries(description.paths[removedPath]!)[0]!;
  delete description.paths[removedPath]![removed[0]];
  if (Object.keys(description.paths[removedPath]!).length === 0) delete description.paths[removedPath];
  description.paths["/stores"] = { get: { operationId: "listStores", tags: ["stores"], responses: { "200": { description: "ok" } } } };
  await page.goto("/tools/import");
  await page.getByLabel("OpenAPI description (JSON or YAML)").fill(JSON.stringify(description));
  await page.getByRole("button", { name: "Preview" }).click();
  const diff = page.getByTestId("preview-diff");
  await expect(diff).toContainText("1 added, 1 removed");
  await expect(diff).toContainText("+ added GET /stores");
  await expect(diff).toContainText(`− removed ${removed[0].toUpperCase()} ${removedPath}`);
  await page.getByLabel("Key or token", { exact: true }).fill(API_KEY);
  await page.getByLabel("Apply these changes").check();
  await page.getByRole("button", { name: /^Apply changes/ }).click();
  await expect(page.getByText("Imported 4 operations from Pet Shop")).toBeVisible();
});

test("upload a 12 MB description without security schemes, name it, filter the chooser, and call it with an API key in a header I name", async ({
  page,
  request,
}) => {
  const description = JSON.parse(await (await request.get(`${fakePetstoreUrl}/openapi.json`)).text()) as {
    info: Record<string, unknown>;
    security?: unknown;
    components: { securitySchemes?: unknown; examples?: Record<string, unknown> };
  };
  // As GitHub's is: no security scheme, and past the 10 MB the proxy would have cut it at.
  description.info.title = "Padded Pets";
  delete description.security;
  delete description.components.securitySchemes;
  description.components.examples = { padding: { value: "x".repeat(12 * 1024 * 1024) } };
  const directory = join("test-results", "openapi-upload");
  mkdirSync(directory, { recursive: true });
  const file = join(directory, "padded-pets.json");
  writeFileSync(file, JSON.stringify(description));

  await page.goto("/tools/import");
  await page.getByLabel("Upload a file").check();
  await page.getByLabel("Description file").setInputFiles(file);
  await expect(page.getByTestId("chosen-file")).toContainText("padded-pets.json, 12.0 MB");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("preview-count")).toContainText("4 operations, as tools named padded-pets.…");
  await page.getByLabel("API name").fill("big-pets");
  await expect(page.getByTestId("preview-count")).toContainText("as tools named big-pets.…");

  await page.getByLabel("Filter operations").fill("showpet");
  await expect(page.getByTestId("shown-count")).toHaveText("Showing 1 of 4; the buttons below apply to these.");
  await page.getByRole("button", { name: "Disable all shown" }).click();
  await expect(page.getByTestId("enabled-count")).toHaveText("3 of 4 operations enabled as tools");
  await page.getByRole("button", { name: "Enable all shown" }).click();

  await expect(page.getByText("The description declares no security schemes.")).toBeVisible();
  await page.getByLabel("Security scheme").selectOption("+header");
  await page.getByLabel("Header name").fill("X-Api-Key");
  await page.getByLabel("A key or token I paste").check();
  await page.getByLabel("Key or token", { exact: true }).fill(API_KEY);
  await page.getByRole("button", { name: "Import (4 of 4 operations enabled as tools)" }).click();
  await expect(page.getByText("Imported 4 operations from Padded Pets; 4 are enabled as tools.")).toBeVisible();
  await expect(page.getByText('A sealed key ending in …0001, in the header "X-Api-Key"')).toBeVisible();

  await page.goto("/tools/big-pets.showPetById");
  await page.getByLabel("Pet Id").fill("2");
  await page.getByRole("button", { name: "Run tool" }).click();
  // The fake answers 401 without its key in X-Api-Key.
  await expect(page.getByTestId("run-result")).toContainText("Succeeded");
});
