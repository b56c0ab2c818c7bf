import { defineProvider } from "./schema";

export const vercel = defineProvider({
  id: "vercel",
  name: "Vercel",
  description: "Projects and deployments on Vercel.",
  category: "developer",
  logo: "vercel",
  color: "#000000",
  urls: { api: { default: "https://api.vercel.com", env: "VERCEL_API_URL" } },
  apiBaseUrl: "{api}",
  apiKey: {
    env: "VERCEL_API_KEY",
    placement: { in: "header", name: "authorization", prefix: "Bearer " },
    check: { url: "{api}/v2/user" },
    help: "Vercel → Account Settings → Tokens.",
  },
});
