import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DeliveryChart } from "@/app/(dashboard)/webhooks/chart";
import type { Histogram } from "@/lib/webhooks/chart";

const DAY = 86_400_000;
const first = 20_400 * DAY;

function histogram(bounded?: Histogram["bounded"]): Histogram {
  const buckets = Array.from({ length: 30 }, (_, index) => ({
    start: first + index * DAY,
    counts: (index >= 27 ? { processed: 4 } : {}) as Record<string, number>,
  }));
  return { range: "30d", all: true, bucketMs: DAY, buckets, total: 12, ...(bounded ? { bounded } : {}) };
}

const render = (value: Histogram) => renderToStaticMarkup(createElement(DeliveryChart, { histogram: value, filters: { q: "refs/heads" }, filtered: true }));

describe("the chart under a search that matched more than it counts", () => {
  it("says so in its caption and marks the bars that may be incomplete", () => {
    const html = render(histogram({ limit: 10_000, completeFrom: first + 28 * DAY }));
    expect(html).toContain("12+ deliveries matching search “refs/heads”");
    expect(html).toContain("The bars count the 10,000 most recent matches");
    expect(html.match(/data-incomplete="true"/g)).toHaveLength(28);
    expect(html).toContain(", may be incomplete");
  });

  it("says nothing of the kind when it counted every match", () => {
    const html = render(histogram());
    expect(html).toContain("12 deliveries matching search “refs/heads”");
    expect(html).not.toContain("most recent matches");
    expect(html).not.toContain("data-incomplete");
  });
});
