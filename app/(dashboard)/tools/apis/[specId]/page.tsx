import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert, BackLink, Button, Card, PageHeader } from "@/app/_components/ui";
import { requireUser } from "@/lib/auth/session";
import { getProvider } from "@/lib/providers";
import type { SecurityScheme } from "@/lib/openapi/document";
import { getSpec, listOperations } from "@/lib/openapi/store";
import { formatTime } from "../../../webhooks/status";
import { deleteImportedApiAction } from "../../actions";
import { OperationList } from "../../operation-list";
import { ToolChoices } from "./tool-choices";

export const metadata: Metadata = { title: "Imported API" };

type Props = { params: Promise<{ specId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ImportedApiPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { specId } = await params;
  const spec = await getSpec(user.workspaceId, specId);
  if (!spec) notFound();
  const operations = await listOperations(user.workspaceId, spec.id);
  const imported = (await searchParams).imported === "1";
  const custom = spec.authCustomScheme as SecurityScheme | null;
  const as = custom ? customSchemeLabel(custom) : `as "${spec.authScheme}"`;
  const auth =
    spec.authKind === "none"
      ? "No credential"
      : spec.authKind === "connection"
        ? `Your ${getProvider(spec.authProviderId ?? "")?.name ?? spec.authProviderId} connection, ${as}`
        : `A sealed key ending in …${spec.credentialLast4}, ${as}`;
  return (
    <>
      <BackLink href="/tools">All tools</BackLink>
      <PageHeader
        title={spec.title}
        description={spec.description || undefined}
        actions={
          <div className="flex gap-2">
            <Link
              href="/tools/import"
              className="rounded-md border border-zinc-300 px-3.5 py-2 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              Re-import
            </Link>
            <form action={deleteImportedApiAction.bind(null, spec.id)}>
              <Button type="submit" variant="danger">
                Delete API and its tools
              </Button>
            </form>
          </div>
        }
      />
      {imported && (
        <div className="mb-4">
          <Alert tone="success">
            Imported {spec.operationCount} operations from {spec.title}; {operations.filter((operation) => operation.enabled).length} are enabled as tools.
          </Alert>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <h2 className="mb-3 font-semibold">Tools</h2>
            <OperationList label={spec.title} operations={operations.filter((operation) => operation.enabled)} />
          </Card>
          <Card>
            <h2 className="mb-3 font-semibold">Choose the tools</h2>
            <ToolChoices
              specId={spec.id}
              operations={operations}
              initiallyEnabled={operations.filter((operation) => operation.enabled).map((operation) => operation.toolId)}
            />
          </Card>
          {(spec.warnings.length > 0 || spec.skipped.length > 0) && (
            <Card>
              <h2 className="mb-3 font-semibold">About the description</h2>
              {spec.skipped.length > 0 && (
                <div className="mb-3 text-sm" data-testid="api-skipped">
                  <p className="font-medium">{spec.skipped.length} operations were skipped:</p>
                  <ul className="list-disc pl-5">
                    {spec.skipped.map((skip) => (
                      <li key={skip.location}>
                        <code className="font-mono text-xs">
                          {skip.method} {skip.path}
                        </code>
                        : {skip.reason}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {spec.warnings.length > 0 && (
                <details className="text-sm" data-testid="api-warnings">
                  <summary className="cursor-pointer font-medium">{spec.warnings.length} warnings</summary>
                  <ul className="mt-2 list-disc pl-5">
                    {spec.warnings.map((warning, index) => (
                      <li key={index}>
                        {warning.location && <code className="font-mono text-xs">{warning.location}</code>}
                        {warning.location ? ": " : ""}
                        {warning.message}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </Card>
          )}
        </div>
        <Card>
          <dl className="space-y-2 text-sm">
            <div>
              <dt className="text-zinc-500">Version</dt>
              <dd>
                {spec.version} ({spec.specVersion === "2.0" ? "Swagger 2.0" : `OpenAPI ${spec.specVersion}`})
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500">Server</dt>
              <dd className="break-all font-mono text-xs">{spec.serverUrl}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Authentication</dt>
              <dd>{auth}</dd>
            </div>
            {spec.sourceUrl && (
              <div>
                <dt className="text-zinc-500">Imported from</dt>
                <dd className="break-all font-mono text-xs">{spec.sourceUrl}</dd>
              </div>
            )}
            <div>
              <dt className="text-zinc-500">Last imported</dt>
              <dd>{formatTime(spec.updatedAt.getTime())}</dd>
            </div>
          </dl>
        </Card>
      </div>
    </>
  );
}

/** How a scheme the person described sends the credential, in words. */
function customSchemeLabel(scheme: SecurityScheme): string {
  if (scheme.type === "apiKey") return `in the ${scheme.in === "header" ? "header" : "query parameter"} "${scheme.name}"`;
  if (scheme.type === "http" && scheme.scheme === "basic") return "as basic auth";
  return "as a bearer token";
}
