"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Listens to a server-sent event stream and re-renders the page (with its filters) when something changes. */
export function LiveRefresh({ src = "/api/deliveries/stream", event = "delivery" }: { src?: string; event?: string }) {
  const router = useRouter();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource(src);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), 250);
    };
    // On (re)connect, refresh once too: whatever changed while no stream was open is picked up.
    source.addEventListener("ready", () => {
      setConnected(true);
      refreshSoon();
    });
    source.addEventListener(event, refreshSoon);
    source.onerror = () => setConnected(false);
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [router, src, event]);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" data-testid="live-status">
      <span aria-hidden className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-zinc-400"}`} />
      {connected ? "Live" : "Connecting…"}
    </span>
  );
}
