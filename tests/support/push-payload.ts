import { createHmac } from "node:crypto";

/** A realistic GitHub push payload (about 7 KB with the default commit count). */
export function pushPayload(options: { repository?: string; ref?: string; commits?: number; message?: string } = {}): string {
  const repository = options.repository ?? "octocat/hello-world";
  const commits = Array.from({ length: options.commits ?? 3 }, (_, index) => ({
    id: createHmac("sha1", "c").update(String(index)).digest("hex"),
    tree_id: createHmac("sha1", "t").update(String(index)).digest("hex"),
    distinct: true,
    message: index === 0 && options.message ? options.message : `Commit number ${index} with a reasonably descriptive message`,
    timestamp: "2026-11-24T10:00:00Z",
    url: `https://github.com/${repository}/commit/${index}`,
    author: { name: "The Octocat", email: "octocat@github.com", username: "octocat" },
    committer: { name: "GitHub", email: "noreply@github.com", username: "web-flow" },
    added: [`src/feature-${index}.ts`],
    removed: [],
    modified: ["README.md", "package.json"],
  }));
  return JSON.stringify({
    ref: options.ref ?? "refs/heads/main",
    before: "0".repeat(40),
    after: commits.at(-1)?.id ?? "0".repeat(40),
    repository: {
      id: 1296269,
      name: repository.split("/")[1],
      full_name: repository,
      private: false,
      owner: { name: "octocat", login: "octocat", id: 583231 },
      html_url: `https://github.com/${repository}`,
      description: "This your first repo!",
      default_branch: "main",
      topics: ["octocat", "atom", "electron", "api"],
      visibility: "public",
    },
    pusher: { name: "octocat", email: "octocat@github.com" },
    sender: { login: "octocat", id: 583231, type: "User", avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4" },
    created: false,
    deleted: false,
    forced: false,
    compare: `https://github.com/${repository}/compare/abc...def`,
    commits,
    head_commit: commits.at(-1) ?? null,
  });
}
