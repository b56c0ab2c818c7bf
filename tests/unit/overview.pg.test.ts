import { describe, expect, it } from "vitest";
import { briefStatus, type ProviderCard } from "@/lib/connections/overview";
import type { ConnectionSummary } from "@/lib/connections/store";

const base: ProviderCard = {
  id: "github",
  name: "GitHub",
  description: "",
  color: "#000",
  oauth: { configured: true, callbackUrl: "", variables: ["A", "B"], scopes: [], connections: [] },
};
const withStatus = (status: ConnectionSummary["status"]): ProviderCard => ({
  ...base,
  oauth: { ...base.oauth!, connections: [{ status } as ConnectionSummary] },
});

describe("the overview's one word per provider", () => {
  it("names every stored connection status, never folding a broken one into Connected", () => {
    expect(briefStatus(withStatus("active"))).toBe("connected");
    expect(briefStatus(withStatus("error"))).toBe("error");
    expect(briefStatus(withStatus("needs_reconnect"))).toBe("needs_reconnect");
    expect(briefStatus(withStatus("revoked"))).toBe("needs_reconnect");
    expect(briefStatus(base)).toBe("not_connected");
    expect(briefStatus({ ...base, oauth: { ...base.oauth!, configured: false } })).toBe("not_configured");
  });
});
