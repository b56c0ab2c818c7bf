import { defineProvider } from "./schema";

export const openweather = defineProvider({
  id: "openweather",
  name: "OpenWeather",
  description: "Current weather for any city.",
  category: "other",
  color: "#eb6e4b",
  urls: { api: { default: "https://api.openweathermap.org", env: "OPENWEATHER_API_URL" } },
  apiBaseUrl: "{api}/data/2.5",
  apiKey: {
    env: "OPENWEATHER_API_KEY",
    placement: { in: "query", name: "appid" },
    check: { url: "{api}/data/2.5/weather?q=London" },
    help: "openweathermap.org → My API keys.",
  },
});
