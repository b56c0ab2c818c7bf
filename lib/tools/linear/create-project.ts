import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { userIdFrom } from "../context";
import { failure } from "../result";
import { linearQuery } from "./graphql";

export async function createLinearProject(userId: string, input: { name: string; description?: string; teamId?: string }) {
  const teamId =
    input.teamId ??
    (await linearQuery<{ teams: { nodes: { id: string }[] } }>(userId, "query Teams { teams(first: 1) { nodes { id name key } } }")).teams.nodes[0]?.id;
  if (!teamId) throw new Error("Linear: this workspace has no team to put the project in.");
  const data = await linearQuery<{ projectCreate: { success: boolean; project: { id: string; name: string; url: string } } }>(
    userId,
    "mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { success project { id name url } } }",
    { input: { name: input.name, description: input.description, teamIds: [teamId] } },
  );
  if (!data.projectCreate.success) throw new Error("Linear did not create the project.");
  return data.projectCreate.project;
}

export const linearCreateProject = createTool({
  id: "linear-create-project",
  description: "Create a project in Linear.",
  inputSchema: z.object({
    name: z.string().min(1).max(80).describe("Project name"),
    description: z.string().max(2000).optional().describe("What the project is about"),
    teamId: z.string().optional().describe("Linear team id; the first team when empty"),
  }),
  outputSchema: z.union([
    z.object({ success: z.literal(true), project: z.object({ id: z.string(), name: z.string(), url: z.string() }) }),
    z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() }),
  ]),
  execute: async (input, context) => {
    try {
      return { success: true as const, project: await createLinearProject(userIdFrom(context?.requestContext), input) };
    } catch (error) {
      return failure(error);
    }
  },
});
