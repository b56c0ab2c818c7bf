import { afterEach, describe, expect, it } from "vitest";
import { brandIcons } from "@/app/_components/brand-logo";
import { canSetUpServices } from "@/lib/auth/roles";
import { checkProviderVariables, expandTemplate, getProvider, listProviders, missingSettings } from "@/lib/providers";
import { catalogCategories, serviceCatalog } from "@/lib/providers/catalog";

const zendeskVariables = ["ZENDESK_SUBDOMAIN", "ZENDESK_CLIENT_ID", "ZENDESK_CLIENT_SECRET"];

afterEach(() => {
  for (const name of zendeskVariables) delete process.env[name];
});

describe("the service catalog", () => {
  it("lists every service for those who can set services up, with what each still needs", () => {
    const all = serviceCatalog({}, true);
    expect(all.map((entry) => entry.id).sort()).toEqual(
      listProviders()
        .map((provider) => provider.id)
        .sort(),
    );
    const zendesk = all.find((entry) => entry.id === "zendesk")!;
    expect(zendesk.oauth).toMatchObject({
      configured: false,
      missing: zendeskVariables,
      callbackUrl: "http://localhost:3000/api/connections/zendesk/callback",
    });
  });

  it("shows members only what they can use now: no 'needs an admin' entries", () => {
    const visible = serviceCatalog({}, false).map((entry) => entry.id);
    expect(visible).not.toContain("zendesk");
    expect(visible).not.toContain("google");
    expect(visible).toEqual(expect.arrayContaining(["stripe", "openweather", "sendgrid", "paddle", "svix"]));
  });

  it("counts a provider as configured once its client and settings are set", () => {
    process.env.ZENDESK_CLIENT_ID = "id";
    process.env.ZENDESK_CLIENT_SECRET = "secret";
    expect(serviceCatalog({ search: "zendesk" }, true)[0]!.oauth).toMatchObject({ configured: false, missing: ["ZENDESK_SUBDOMAIN"] });
    process.env.ZENDESK_SUBDOMAIN = "acme";
    expect(serviceCatalog({ search: "zendesk" }, false).map((entry) => [entry.id, entry.oauth?.configured])).toEqual([["zendesk", true]]);
  });

  it("searches names, ids, descriptions and categories, every word, and filters by category", () => {
    expect(serviceCatalog({ search: "jira" }, true).map((entry) => entry.id)).toEqual(["atlassian"]);
    expect(serviceCatalog({ search: "GIT hub" }, true).map((entry) => entry.id)).toEqual(["github"]);
    expect(serviceCatalog({ category: "payments" }, true).map((entry) => entry.id)).toEqual(["paddle", "razorpay", "square", "stripe"]);
    expect(serviceCatalog({ category: "no-such-category" }, true)).toHaveLength(listProviders().length);
    expect(serviceCatalog({ search: "nothing like this" }, true)).toEqual([]);
    const counts = catalogCategories(true);
    expect(counts.reduce((sum, item) => sum + item.count, 0)).toBe(listProviders().length);
    expect(counts.every((item) => item.count > 0)).toBe(true);
  });

  it("has an icon for every logo a declaration names", () => {
    for (const provider of listProviders()) if (provider.logo) expect(brandIcons[provider.logo], provider.id).toBeDefined();
  });

  it("keeps the role check in one place: owners set services up, members do not", () => {
    expect(canSetUpServices({ role: "owner" })).toBe(true);
    expect(canSetUpServices({ role: "member" })).toBe(false);
  });
});

describe("provider settings and webhook secrets at start-up", () => {
  const source = (values: Record<string, string>) => values;

  it("fills a setting into the URLs, and refuses one that does not fit its pattern", () => {
    const microsoft = getProvider("microsoft")!;
    expect(expandTemplate(microsoft, microsoft.oauth2!.authorizeUrl)).toBe("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    process.env.MICROSOFT_TENANT = "contoso.onmicrosoft.com";
    expect(expandTemplate(microsoft, microsoft.oauth2!.tokenUrl)).toBe("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    process.env.ZENDESK_SUBDOMAIN = "acme";
    const zendesk = getProvider("zendesk")!;
    expect(expandTemplate(zendesk, zendesk.account!.request.url)).toBe("https://acme.zendesk.com/api/v2/users/me.json");
    // A value that would change the host is refused at start-up and ignored at run time.
    process.env.ZENDESK_SUBDOMAIN = "evil.example/x";
    expect(() => checkProviderVariables(listProviders())).toThrow(/ZENDESK_SUBDOMAIN/);
    expect(missingSettings(zendesk)).toEqual(["ZENDESK_SUBDOMAIN"]);
    delete process.env.MICROSOFT_TENANT;
  });

  it("checks each scheme's secret format: Discord's public key is hex, SendGrid's verification key base64, Svix's whsec_", () => {
    expect(() => checkProviderVariables(listProviders(), source({ DISCORD_WEBHOOK_SECRET: "not-hex" }))).toThrow(
      /DISCORD_WEBHOOK_SECRET: expected .*64 hex digits/,
    );
    expect(() => checkProviderVariables(listProviders(), source({ DISCORD_WEBHOOK_SECRET: "a".repeat(64) }))).not.toThrow();
    expect(() => checkProviderVariables(listProviders(), source({ SENDGRID_WEBHOOK_SECRET: "not base64!" }))).toThrow(/SENDGRID_WEBHOOK_SECRET/);
    expect(() => checkProviderVariables(listProviders(), source({ RESEND_WEBHOOK_SECRET: "whsec_" }))).toThrow(/RESEND_WEBHOOK_SECRET/);
    expect(() => checkProviderVariables(listProviders(), source({ SHOPIFY_WEBHOOK_SECRET: "has a space" }))).toThrow(/SHOPIFY_WEBHOOK_SECRET/);
  });
});
