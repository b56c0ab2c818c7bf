import { Card, PageHeader } from "@/app/_components/ui";
import { ROLE_DUTIES, type WorkspaceRole } from "@/lib/auth/workspaces";

/** What a page says to a role that may not open it, in the app's own layout (never a bare 404). */
export function NotAllowed({ title, role, needs, workspaceName }: { title: string; role: WorkspaceRole; needs: WorkspaceRole; workspaceName: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Card>
        <p className="text-sm" role="status">
          Your role in {workspaceName} is <strong>{role}</strong>. This page is for {needs === "admin" ? "admins and owners" : `${needs}s`}, who{" "}
          {ROLE_DUTIES[needs]}. Ask one of them if you need something here.
        </p>
      </Card>
    </>
  );
}
