import type { ToolLookup } from "../lookup-types";

type Channel = { id?: unknown; name?: unknown; is_archived?: unknown };

/** The Slack channels the person's connection sees: each fills in the channel (by id, shown as #name). */
export const slackChannelLookup: ToolLookup = {
  label: "Channel",
  fields: ["channel"],
  providerId: "slack",
  request: { path: "/conversations.list", query: { types: "public_channel,private_channel", exclude_archived: "true", limit: 200 } },
  choices: (body) => {
    const answer = body as { ok?: unknown; channels?: Channel[] } | null;
    if (!answer?.ok || !Array.isArray(answer.channels)) return [];
    return answer.channels.flatMap((channel) =>
      typeof channel.id === "string" && typeof channel.name === "string" && channel.is_archived !== true
        ? [{ label: `#${channel.name}`, values: { channel: channel.id } }]
        : [],
    );
  },
};
