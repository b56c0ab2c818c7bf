import type { Metadata } from "next";
import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { relativeTime } from "@/app/_components/time";
import { listAccessTokens } from "@/lib/auth/access-tokens";
import { requireUser } from "@/lib/auth/session";
import { currentTime } from "@/lib/platform/clock";
import { env } from "@/lib/platform/env";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata: Metadata = { title: "Access tokens" };

function Expiry({ date, now }: { date: Date | null; now: number }) {
  if (!date) return <>Never</>;
  if (date.getTime() <= now) return <span className="font-medium text-red-600 dark:text-red-400">Expired {relativeTime(date, now)}</span>;
  return <time dateTime={date.toISOString()}>{relativeTime(date, now)}</time>;
}

export default async function AccessTokensPage() {
  const user = await requireUser();
  const tokens = await listAccessTokens(user.id);
  const now = currentTime();
  return (
    <>
      <PageHeader
        title="Access tokens"
        description={`Tokens let an MCP client (Claude Desktop, Cursor, VS Code…) use your tools at ${env().APP_URL}/api/mcp, acting as you. Read tokens run only tools that read; write tokens run all of them. Clients that sign in with OAuth get a token here too, named after the client.`}
      />
      <Card className="mb-6">
        <h2 className="mb-4 font-semibold">New token</h2>
        <CreateTokenForm />
      </Card>
      {tokens.length === 0 ? (
        <EmptyState title="No access tokens">
          <p>Create one above, or connect an MCP client that signs in with OAuth.</p>
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-zinc-500">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Scope</th>
                <th className="py-2 font-medium">Created</th>
                <th className="py-2 font-medium">Last used</th>
                <th className="py-2 font-medium">Expires</th>
                <th className="py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {tokens.map((token) => (
                <tr key={token.id} data-testid="token-row">
                  <td className="py-2">
                    <span className="font-medium">{token.name}</span>
                    {token.clientName && <span className="block text-xs text-zinc-500">OAuth client: {token.clientName}</span>}
                  </td>
                  <td className="py-2 capitalize">{token.scope}</td>
                  <td className="py-2">{relativeTime(token.createdAt, now)}</td>
                  <td className="py-2">{token.lastUsedAt ? relativeTime(token.lastUsedAt, now) : "Never"}</td>
                  <td className="py-2">
                    <Expiry date={token.expiresAt} now={now} />
                  </td>
                  <td className="py-2 text-right">
                    <RevokeTokenButton tokenId={token.id} name={token.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
