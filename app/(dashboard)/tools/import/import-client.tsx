import type { Problem } from "@/lib/openapi/document";

/** The import page's requests and how their problems are shown. */

export const MAX_MB = 40;

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Posts an import request. A description given as text or a file goes as multipart/form-data: the
 * file part is the browser's own File (streamed from disk, never read into the page), the other
 * fields JSON; a URL goes as JSON.
 */
export async function post(path: string, body: Record<string, unknown>, description?: Blob): Promise<{ ok: boolean; data: unknown }> {
  let response: Response;
  if (description) {
    const form = new FormData();
    form.append("request", JSON.stringify(body));
    form.append("description", description, description instanceof File ? description.name : "description.txt");
    response = await fetch(path, { method: "POST", body: form });
  } else {
    response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = { error: { message: `The server answered ${response.status}.`, problems: [] } };
  }
  return { ok: response.ok, data };
}

export function ProblemList({ problems }: { problems: Problem[] }) {
  return (
    <ul className="list-disc space-y-1 pl-5" data-testid="import-problems">
      {problems.map((problem, index) => (
        <li key={index}>
          {problem.location && <code className="font-mono text-xs">{problem.location}</code>}
          {problem.location ? ": " : ""}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}
