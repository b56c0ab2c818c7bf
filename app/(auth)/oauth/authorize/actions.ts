"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { approveAuthorization, checkAuthorizationRequest, denyAuthorization } from "@/lib/mcp/auth/authorization";

/**
 * The person's answer on the consent page. The request is checked again from scratch (the form's
 * hidden copy is not trusted): a bad one goes to /oauth/authorize, which shows why; a good one goes
 * back to the client with a code, or with access_denied when the person declined.
 */
export async function decideAuthorization(form: FormData): Promise<void> {
  const user = await requireUser();
  const params = new URLSearchParams(String(form.get("request") ?? ""));
  const check = await checkAuthorizationRequest(params);
  if (check.kind === "error") redirect(`/oauth/authorize?${params}`);
  if (form.get("decision") !== "approve") redirect(denyAuthorization(check.request));
  redirect(await approveAuthorization(user, check.request, form.get("scope") === "read" ? "read" : check.request.scope));
}
