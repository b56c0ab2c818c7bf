/**
 * A fake of OpenWeather's current-weather API (GET /data/2.5/weather), in its wire format.
 * Keys look like OpenWeather's (32 hex characters); FAKE_OPENWEATHER_KEYS, comma-separated,
 * narrows which are accepted. Run alone with `node e2e/fakes/openweather.ts`. Never imported by app code.
 */
import { createServer, type Server } from "node:http";

export type FakeOpenWeather = { url: string; server: Server; requests: { q: string | null; units: string | null }[]; close: () => Promise<void> };

export async function startFakeOpenWeather(port = 0, acceptedKeys?: string[]): Promise<FakeOpenWeather> {
  const requests: FakeOpenWeather["requests"] = [];
  /** How many of the next weather requests are cut off without an answer, as a broken network would. */
  let dropNext = 0;
  const accepts = (key: string | null) => Boolean(key && /^[0-9a-f]{32}$/.test(key) && (!acceptedKeys || acceptedKeys.includes(key)));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    if (request.method === "POST" && url.pathname === "/_fake/drop-next") {
      dropNext = Number(url.searchParams.get("count") ?? 1);
      return json(200, { ok: true });
    }
    if (url.pathname === "/data/2.5/weather" && dropNext > 0) {
      dropNext--;
      request.socket.destroy();
      return;
    }
    if (request.method !== "GET" || url.pathname !== "/data/2.5/weather") return json(404, { cod: "404", message: "Internal error" });
    if (!accepts(url.searchParams.get("appid"))) {
      return json(401, { cod: 401, message: "Invalid API key. Please see https://openweathermap.org/faq#error401 for more info." });
    }
    const q = url.searchParams.get("q");
    const units = url.searchParams.get("units");
    requests.push({ q, units });
    if (!q || q.toLowerCase().startsWith("nowhere")) return json(404, { cod: "404", message: "city not found" });
    const celsius = 18.4;
    const temp = units === "imperial" ? celsius * 1.8 + 32 : units === "metric" ? celsius : celsius + 273.15;
    return json(200, {
      coord: { lon: -0.1257, lat: 51.5085 },
      weather: [{ id: 803, main: "Clouds", description: "broken clouds", icon: "04d" }],
      base: "stations",
      main: { temp, feels_like: temp - 0.5, temp_min: temp - 1, temp_max: temp + 1, pressure: 1012, humidity: 72 },
      visibility: 10000,
      wind: { speed: units === "imperial" ? 9.2 : 4.12, deg: 240 },
      clouds: { all: 75 },
      dt: Math.floor(Date.now() / 1000),
      sys: { country: "GB", sunrise: 1700000000, sunset: 1700030000 },
      timezone: 0,
      id: 2643743,
      name: q.split(",")[0],
      cod: 200,
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`,
    server,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keys = process.env.FAKE_OPENWEATHER_KEYS?.split(",").filter(Boolean);
  const fake = await startFakeOpenWeather(Number(process.env.FAKE_OPENWEATHER_PORT ?? 0), keys);
  console.log(`fake OpenWeather listening on ${fake.url}`);
}
