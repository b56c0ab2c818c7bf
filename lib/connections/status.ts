import type { ConnectionSummary } from "./store";

export type ConnectionStatusView = {
  label: "Active" | "Needs reconnect" | "Error" | "Revoked";
  tone: "green" | "amber" | "red" | "gray";
  /** What went wrong, for Error and Needs reconnect; never contains a token. */
  message?: string;
  /** Whether the card offers Reconnect. */
  reconnect: boolean;
};

/** How the Connections page shows a connection's stored status: one case per status, none folded into Active. */
export function connectionStatusView(connection: Pick<ConnectionSummary, "status" | "lastError">): ConnectionStatusView {
  const message = connection.lastError ?? undefined;
  switch (connection.status) {
    case "active":
      return { label: "Active", tone: "green", reconnect: false };
    case "needs_reconnect":
      return { label: "Needs reconnect", tone: "amber", message, reconnect: true };
    case "error":
      return { label: "Error", tone: "red", message: message ?? "The last token refresh failed.", reconnect: true };
    case "revoked":
      return { label: "Revoked", tone: "gray", message: message ?? "The provider revoked this connection.", reconnect: true };
  }
}
