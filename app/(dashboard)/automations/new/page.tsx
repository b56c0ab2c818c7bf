import type { Metadata } from "next";
import { BackLink, Card, PageHeader } from "@/app/_components/ui";
import { NotAllowed } from "@/app/_components/not-allowed";
import { requireUser } from "@/lib/auth/session";
import { atLeast } from "@/lib/auth/workspaces";
import { AutomationEditor } from "../editor";
import { editorOptions } from "../options";

export const metadata: Metadata = { title: "New automation" };

export default async function NewAutomationPage() {
  const user = await requireUser();
  if (!atLeast(user.role, "member")) return <NotAllowed title="New automation" role={user.role} needs="member" workspaceName={user.workspaceName} />;
  const options = await editorOptions(user);
  const initial = {
    name: "",
    definition: {
      trigger: { kind: "delivery" as const, providerId: options.sources[0]?.id ?? "github" },
      steps: [{ key: "first", kind: "tool" as const, toolId: options.tools[0]?.id ?? "", input: "{}" }],
    },
  };
  return (
    <>
      <BackLink href="/automations">All automations</BackLink>
      <PageHeader
        title="New automation"
        description="Choose what starts it, then its steps; each step's input is a JSONata expression over the trigger and earlier steps."
      />
      <Card>
        <AutomationEditor initial={initial} options={options} />
      </Card>
    </>
  );
}
