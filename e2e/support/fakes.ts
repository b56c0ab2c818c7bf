import { expect, type APIRequestContext } from "@playwright/test";

/** Where playwright.config.ts started the fakes (ports are chosen there and passed through the environment). */
export const fakeGitHubUrl = `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}`;
export const fakeSlackUrl = `http://127.0.0.1:${process.env.E2E_SLACK_PORT}`;
export const fakePetstoreUrl = `http://127.0.0.1:${process.env.E2E_PETSTORE_PORT}`;
export const fakeModelUrl = `http://127.0.0.1:${process.env.E2E_OPENAI_PORT}`;

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
