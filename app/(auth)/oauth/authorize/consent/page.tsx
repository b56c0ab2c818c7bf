import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Button } from "@/app/_components/ui";
import { currentUser } from "@/lib/auth/session";
import { checkAuthorizationRequest } from "@/lib/mcp/auth/authorization";
import { decideAuthorization } from "../actions";

export const metadata: Metadata = { title: "Authorize an application" };

function toSearchParams(params: Record<string, string | string[] | undefined>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (typeof value === "string") search.set(key, value);
  return search;
}

const scopeText = {
  read: "Read only: list your tools and run the ones that only read (list repositories, search, weather).",
  write: "Read and write: run all your tools, including those that create or change things (issues, messages, channels, projects).",
};

/**
 * The consent page of Patchbay's authorization server: who asks, for what, as whom. Reached from
 * /oauth/authorize, which has checked the request; anything wrong with it now (a changed URL, a
 * client removed meanwhile) goes back there to be shown with its reason, never to the client.
 */
export default async function ConsentPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = toSearchParams(await searchParams);
  const check = await checkAuthorizationRequest(params);
  if (check.kind === "error") redirect(`/oauth/authorize?${params}`);
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/oauth/authorize?${params}`)}`);
  const { client, redirectUri, scope } = check.request;
  return (
    <form action={decideAuthorization} className="space-y-4">
      <h1 className="text-lg font-semibold">
        Allow <span data-testid="client-name">{client.name}</span> to use Patchbay?
      </h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        It will act as <strong>{user.email ?? user.name}</strong> with your connections, and sign in back at{" "}
        <code className="break-all">{new URL(redirectUri).origin === "null" ? redirectUri : new URL(redirectUri).origin}</code>.
      </p>
      <input type="hidden" name="request" value={params.toString()} />
      {scope === "write" ? (
        <fieldset className="space-y-2 text-sm">
          <legend className="mb-1 font-medium">Scope</legend>
          <label className="flex gap-2">
            <input type="radio" name="scope" value="write" defaultChecked /> <span>{scopeText.write}</span>
          </label>
          <label className="flex gap-2">
            <input type="radio" name="scope" value="read" /> <span>{scopeText.read}</span>
          </label>
        </fieldset>
      ) : (
        <p className="text-sm">
          <span className="font-medium">Scope: </span>
          {scopeText.read}
        </p>
      )}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">The access lasts 30 days; revoke it any time under Settings → Access tokens.</p>
      <div className="flex gap-2">
        <Button type="submit" name="decision" value="approve">
          Allow
        </Button>
        <Button type="submit" name="decision" value="deny" variant="secondary">
          Deny
        </Button>
      </div>
    </form>
  );
}
