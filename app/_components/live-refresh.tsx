"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Listens to the deliveries stream and re-renders the page (with its filters) when something changes. */
export function LiveRefresh() {
  const router = useRouter();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource("/api/deliveries/stream");
    let timer: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener("ready", () => setConnected(true));
    source.addEventListener("delivery", () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), 250);
    });
    source.onerror = () => setConnected(false);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [router]);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" data-testid="live-status">
      <span aria-hidden className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-zinc-400"}`} />
      {connected ? "Live" : "Connecting…"}
    </span>
  );
}
