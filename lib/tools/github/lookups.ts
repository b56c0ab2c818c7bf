import type { ToolLookup } from "../lookup-types";

type Repository = { name?: unknown; full_name?: unknown; owner?: { login?: unknown } };

/** The repositories of the person's GitHub account, most recently updated first: each fills in owner and repo. */
export const githubRepositoryLookup: ToolLookup = {
  label: "Repository",
  fields: ["owner", "repo"],
  providerId: "github",
  request: { path: "/user/repos", query: { per_page: 100, sort: "updated" } },
  choices: (body) =>
    (Array.isArray(body) ? (body as Repository[]) : []).flatMap((repository) =>
      typeof repository.name === "string" && typeof repository.owner?.login === "string"
        ? [
            {
              label: String(repository.full_name ?? `${repository.owner.login}/${repository.name}`),
              values: { owner: repository.owner.login, repo: repository.name },
            },
          ]
        : [],
    ),
};
