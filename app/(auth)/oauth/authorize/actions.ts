"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { approveAuthorization, checkAuthorizationRequest, denyAuthorization } from "@/lib/oauth-server/authorization";

/**
 * The person's answer on the consent page. The request is checked again from scratch (the form's
 * hidden copy is not trusted), then the browser goes back to the client with a code or an error.
 */
export async function decideAuthorization(form: FormData): Promise<void> {
  const user = await requireUser();
  const query = String(form.get("request") ?? "");
  const check = await checkAuthorizationRequest(new URLSearchParams(query));
  if (check.kind === "refuse") redirect(`/oauth/authorize?${query}`);
  if (check.kind === "redirect") redirect(check.location);
  if (form.get("decision") !== "approve") redirect(denyAuthorization(check.request));
  redirect(await approveAuthorization(user.id, check.request, form.get("scope") === "read" ? "read" : check.request.scope));
}
