import "server-only";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import { userIdFrom } from "../context";
import { callProvider } from "../provider-call";
import { failure } from "../result";

const weatherResponse = z.object({
  name: z.string(),
  weather: z.array(z.object({ main: z.string(), description: z.string() })).min(1),
  main: z.object({ temp: z.number(), humidity: z.number() }),
  wind: z.object({ speed: z.number() }),
});

export const getWeather = createTool({
  id: "get-weather",
  description: "Get the current weather for a location from OpenWeather.",
  inputSchema: z.object({
    location: z.string().min(1).max(200).describe("City name, optionally with country code: London,GB"),
    units: z.enum(["metric", "imperial"]).default("metric").describe("metric: °C and m/s; imperial: °F and mph"),
  }),
  outputSchema: z.union([
    z.object({
      success: z.literal(true),
      location: z.string(),
      temperature: z.number(),
      conditions: z.string(),
      humidity: z.number(),
      windSpeed: z.number(),
      units: z.enum(["metric", "imperial"]),
    }),
    z.object({ success: z.literal(false), error: z.string(), code: z.union([z.string(), z.number()]).optional() }),
  ]),
  execute: async (input, context) => {
    try {
      const response = await callProvider(userIdFrom(context?.requestContext), "openweather", {
        path: "/weather",
        query: { q: input.location, units: input.units },
      });
      if (response.status === 404) return { success: false as const, error: `OpenWeather does not know "${input.location}".`, code: 404 };
      if (response.status !== 200) return { success: false as const, error: `OpenWeather answered ${response.status}.`, code: response.status };
      const data = weatherResponse.parse(response.body);
      return {
        success: true as const,
        location: data.name,
        temperature: data.main.temp,
        conditions: data.weather[0]!.description,
        humidity: data.main.humidity,
        windSpeed: data.wind.speed,
        units: input.units,
      };
    } catch (error) {
      return failure(error);
    }
  },
});
