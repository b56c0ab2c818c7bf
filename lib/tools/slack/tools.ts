import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { userIdFrom } from "../context";
import { callProvider } from "../provider-call";
import { failure } from "../result";

const failed = z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() });

/** Slack answers HTTP 200 with `ok: false` and an error code when a call fails. */
async function slack<T>(userId: string, method: string, body: Record<string, unknown>): Promise<T> {
  const response = await callProvider(userId, "slack", {
    path: `/${method}`,
    method: "POST",
    body,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  const data = response.body as { ok?: boolean; error?: string } & T;
  if (response.status !== 200 || !data?.ok) throw new Error(`Slack ${method} failed: ${data?.error ?? `HTTP ${response.status}`}`);
  return data;
}

/** Slack channel names: lower case, no spaces or periods, at most 80 characters. */
export function slackChannelName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
}

export async function createSlackChannel(userId: string, name: string, isPrivate: boolean): Promise<{ channelId: string; name: string }> {
  const data = await slack<{ channel: { id: string; name: string } }>(userId, "conversations.create", { name: slackChannelName(name), is_private: isPrivate });
  return { channelId: data.channel.id, name: data.channel.name };
}

/** Posts a message as this user's Slack connection; used by the post-message tool and by alerts. */
export async function postSlackMessage(userId: string, channel: string, text: string): Promise<{ channel: string; ts: string }> {
  const data = await slack<{ channel: string; ts: string }>(userId, "chat.postMessage", { channel, text });
  return { channel: data.channel, ts: data.ts };
}

export const slackPostMessage = createTool({
  id: "slack-post-message",
  description: "Post a message to a Slack channel.",
  inputSchema: z.object({
    channel: z.string().min(1).max(80).describe("Channel id (C0123…) or name (#general)"),
    text: z.string().min(1).max(40_000).describe("Message text (Slack mrkdwn)"),
  }),
  outputSchema: z.union([z.object({ success: z.literal(true), channel: z.string(), ts: z.string() }), failed]),
  execute: async (input, context) => {
    try {
      return { success: true as const, ...(await postSlackMessage(userIdFrom(context?.requestContext), input.channel, input.text)) };
    } catch (error) {
      return failure(error);
    }
  },
});

export const slackCreateChannel = createTool({
  id: "slack-create-channel",
  description: "Create a Slack channel.",
  inputSchema: z.object({
    name: z.string().min(1).max(80).describe("Channel name; made lower case with dashes"),
    isPrivate: z.boolean().default(false).describe("Create a private channel"),
  }),
  outputSchema: z.union([z.object({ success: z.literal(true), channelId: z.string(), name: z.string() }), failed]),
  execute: async (input, context) => {
    try {
      return { success: true as const, ...(await createSlackChannel(userIdFrom(context?.requestContext), input.name, input.isPrivate)) };
    } catch (error) {
      return failure(error);
    }
  },
});
