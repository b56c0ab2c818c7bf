import "server-only";
import { createStep, createWorkflow } from "@mastra/core/workflows";
import { z } from "zod";
import { githubErrorMessage, githubFor } from "@/lib/github";
import { createLinearProject, createSlackChannel, userIdFrom } from "@/lib/tools";
import { workflowOptions } from "./options";

export const projectSetupInput = z.object({
  projectName: z.string().min(1).max(80).describe("Name for the Linear project and the Slack channel"),
  repository: z.object({
    owner: z.string().min(1).max(100).describe("Your GitHub login, or an organization you can create repositories in"),
    name: z
      .string()
      .regex(/^[\w.-]{1,100}$/, { message: "letters, digits, '.', '-' and '_' only" })
      .describe("New repository name"),
  }),
  private: z.boolean().default(true).describe("Create a private repository"),
});

const repositoryOutput = z.object({ repositoryUrl: z.string(), fullName: z.string() });
const trackingOutput = repositoryOutput.extend({ projectId: z.string(), projectUrl: z.string() });
const setupOutput = trackingOutput.extend({ channelId: z.string(), channelName: z.string() });

/** What GitHub documents for "create a repository": 201 Created with the repository. */
const createdRepository = z.object({ html_url: z.string().url(), full_name: z.string().min(1) });
const authenticatedUser = z.object({ login: z.string().min(1) });

/** A GitHub request whose failure reads as the request and GitHub's answer. */
async function githubCall<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw new Error(githubErrorMessage(error));
  }
}

/** Fails the step unless GitHub gave the answer its API documents, naming the request and what came back. */
function documentedAnswer<T>(response: { status: number; url: string; data: unknown }, expectedStatus: number, schema: z.ZodType<T>, method: string): T {
  const parsed = schema.safeParse(response.data);
  if (response.status === expectedStatus && parsed.success) return parsed.data;
  const request = `${method} ${new URL(response.url).pathname}`;
  const why =
    response.status !== expectedStatus
      ? `not the documented ${expectedStatus}`
      : `a body without ${parsed.error!.issues.map((issue) => issue.path.join(".") || "content").join(", ")}`;
  throw new Error(
    `GitHub: ${request} answered ${response.status}, ${why}${method === "POST" ? "; check on GitHub whether it was created before running again" : ""}.`,
  );
}

const createRepository = createStep({
  id: "create-repository",
  description: "Create the GitHub repository",
  inputSchema: projectSetupInput,
  outputSchema: repositoryOutput,
  execute: async ({ inputData, requestContext }) => {
    const github = await githubFor(userIdFrom(requestContext));
    const { owner, name } = inputData.repository;
    const me = documentedAnswer(await githubCall(() => github.users.getAuthenticated()), 200, authenticatedUser, "GET");
    const mine = me.login.toLowerCase() === owner.toLowerCase();
    const response = await githubCall(() =>
      mine
        ? github.repos.createForAuthenticatedUser({ name, private: inputData.private, auto_init: true })
        : github.repos.createInOrg({ org: owner, name, private: inputData.private, auto_init: true }),
    );
    const created = documentedAnswer(response, 201, createdRepository, "POST");
    return { repositoryUrl: created.html_url, fullName: created.full_name };
  },
});

const createTracking = createStep({
  id: "create-linear-project",
  description: "Create the Linear project",
  inputSchema: repositoryOutput,
  outputSchema: trackingOutput,
  execute: async ({ inputData, requestContext, getInitData }) => {
    const { projectName } = getInitData<z.infer<typeof projectSetupInput>>();
    const project = await createLinearProject(userIdFrom(requestContext), { name: projectName, description: `Tracking for ${inputData.fullName}` });
    return { ...inputData, projectId: project.id, projectUrl: project.url };
  },
});

const createChannel = createStep({
  id: "create-slack-channel",
  description: "Create the Slack channel",
  inputSchema: trackingOutput,
  outputSchema: setupOutput,
  execute: async ({ inputData, requestContext, getInitData }) => {
    const { projectName } = getInitData<z.infer<typeof projectSetupInput>>();
    const channel = await createSlackChannel(userIdFrom(requestContext), projectName, false);
    return { ...inputData, channelId: channel.channelId, channelName: channel.name };
  },
});

/** The seed's multi-service setup: a GitHub repository, a Linear project and a Slack channel, in that order. */
export const projectSetup = createWorkflow({
  id: "project-setup",
  description: "Set up a new project across GitHub, Linear and Slack.",
  inputSchema: projectSetupInput,
  outputSchema: setupOutput,
  options: workflowOptions,
})
  .then(createRepository)
  .then(createTracking)
  .then(createChannel)
  .commit();

export const projectSetupSteps = [createRepository.id, createTracking.id, createChannel.id];
