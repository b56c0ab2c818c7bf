import type { AutomationDefinition } from "./definition";

/**
 * The automations new workspaces start with: what Patchbay did with GitHub's push and
 * pull_request deliveries before automations existed, now data a person can read, change, pause or
 * delete. The mappings say what the workflows' own webhook readers used to.
 */
export const shippedAutomations: { seedKey: string; name: string; definition: AutomationDefinition }[] = [
  {
    seedKey: "github-push",
    name: "Process GitHub pushes",
    definition: {
      trigger: { kind: "delivery", providerId: "github", event: "push" },
      steps: [
        {
          key: "process_push",
          kind: "workflow",
          workflowId: "process-github-push",
          input: `{
  "repository": payload.repository.full_name,
  "ref": payload.ref,
  "pusher": payload.pusher.name,
  "commits": [payload.commits.{
    "id": id,
    "message": message,
    "author": author.name,
    "url": url,
    "timestamp": timestamp
  }]
}`,
        },
      ],
    },
  },
  {
    seedKey: "github-pull-request",
    name: "Triage GitHub pull requests",
    definition: {
      trigger: { kind: "delivery", providerId: "github", event: "pull_request" },
      steps: [
        {
          key: "triage",
          kind: "workflow",
          workflowId: "triage-pull-request",
          input: `{
  "repository": payload.repository.full_name,
  "number": payload.number,
  "action": payload.action
}`,
        },
      ],
    },
  },
];
