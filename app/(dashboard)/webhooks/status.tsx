import { Badge } from "@/app/_components/provider-logo";

const tones = { received: "gray", processing: "amber", processed: "green", failed: "red", rejected: "red" } as const;

export function StatusBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status]}>{status}</Badge>;
}

export const statusColors: Record<string, string> = {
  processed: "#10b981",
  received: "#94a3b8",
  processing: "#f59e0b",
  failed: "#ef4444",
  rejected: "#be123c",
};

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
