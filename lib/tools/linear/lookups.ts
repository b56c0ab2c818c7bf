import type { ToolLookup } from "../lookup-types";

type Team = { id?: unknown; name?: unknown; key?: unknown };

/** The Linear teams of the person's workspace: each fills in the team id. */
export const linearTeamLookup: ToolLookup = {
  label: "Team",
  fields: ["teamId"],
  providerId: "linear",
  request: {
    path: "/graphql",
    method: "POST",
    body: { query: "query Teams { teams(first: 100) { nodes { id name key } } }" },
    headers: { "content-type": "application/json" },
    idempotent: true,
  },
  choices: (body) => {
    const nodes = (body as { data?: { teams?: { nodes?: Team[] } } } | null)?.data?.teams?.nodes;
    return (Array.isArray(nodes) ? nodes : []).flatMap((team) =>
      typeof team.id === "string" && typeof team.name === "string"
        ? [{ label: typeof team.key === "string" ? `${team.name} (${team.key})` : team.name, values: { teamId: team.id } }]
        : [],
    );
  },
};
