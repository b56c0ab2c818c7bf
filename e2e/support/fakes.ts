import { expect, type APIRequestContext } from "@playwright/test";

/** Where playwright.config.ts started the fakes (ports are chosen there and passed through the environment). */
export const fakeGitHubUrl = `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}`;
export const fakeSlackUrl = `http://127.0.0.1:${process.env.E2E_SLACK_PORT}`;
export const fakePetstoreUrl = `http://127.0.0.1:${process.env.E2E_PETSTORE_PORT}`;
export const fakeModelUrl = `http://127.0.0.1:${process.env.E2E_OPENAI_PORT}`;
export const mailServerUrl = `http://127.0.0.1:${process.env.E2E_SMTP_HTTP_PORT}`;

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string; html?: string };

/** The mail the test mail server (e2e/fakes/smtp.ts) received for `to`, once it has arrived. */
export async function mailTo(request: APIRequestContext, to: string, count = 1): Promise<ReceivedMail> {
  let found: ReceivedMail[] = [];
  await expect
    .poll(
      async () => {
        const response = await request.get(`${mailServerUrl}/_fake/mail`);
        found = ((await response.json()) as ReceivedMail[]).filter((mail) => mail.to.includes(to));
        return found.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return found[count - 1]!;
}

/** How many mails the test mail server received for `to` so far. */
export async function mailCount(request: APIRequestContext, to: string): Promise<number> {
  const response = await request.get(`${mailServerUrl}/_fake/mail`);
  return ((await response.json()) as ReceivedMail[]).filter((mail) => mail.to.includes(to)).length;
}

export type FakeGitHubState = {
  tokenRequests: { authorization_code: number; refresh_token: number };
  revokedGrants: { clientId: string; login: string }[];
  activeAccessTokens: number;
};

export async function fakeGitHubState(request: APIRequestContext): Promise<FakeGitHubState> {
  const response = await request.get(`${fakeGitHubUrl}/_fake/state`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as FakeGitHubState;
}
