import { startFakeLinear, type FakeLinear } from "@/e2e/fakes/linear";
import { startFakeNotion, type FakeNotion } from "@/e2e/fakes/notion";
import { startFakeOpenWeather, type FakeOpenWeather } from "@/e2e/fakes/openweather";
import { startFakeSlack, type FakeSlack } from "@/e2e/fakes/slack";
import type { FakeGitHub } from "@/e2e/fakes/github";
import { startGitHubFake } from "./helpers";

export const SLACK_TOKEN = "xoxb-test-0000-slack-bot-token";
export const LINEAR_KEY = "lin_api_testkey0000000000000000";
export const NOTION_KEY = "ntn_testsecret000000000000000";
export const WEATHER_KEY = "0123456789abcdef0123456789abcdef";

export type Services = { github: FakeGitHub; slack: FakeSlack; linear: FakeLinear; notion: FakeNotion; weather: FakeOpenWeather; close: () => Promise<void> };

/** Every outside service as a local fake, wired through the variables a deployment would set. */
export async function startServices(): Promise<Services> {
  const [github, slack, linear, notion, weather] = await Promise.all([
    startGitHubFake(),
    startFakeSlack(),
    startFakeLinear(),
    startFakeNotion(),
    startFakeOpenWeather(),
  ]);
  Object.assign(process.env, {
    SLACK_API_URL: slack.url,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    LINEAR_API_URL: linear.url,
    LINEAR_API_KEY: LINEAR_KEY,
    NOTION_API_URL: notion.url,
    NOTION_API_KEY: NOTION_KEY,
    OPENWEATHER_API_URL: weather.url,
  });
  return {
    github,
    slack,
    linear,
    notion,
    weather,
    close: async () => {
      await Promise.all([github.close(), slack.close(), linear.close(), notion.close(), weather.close()]);
    },
  };
}
