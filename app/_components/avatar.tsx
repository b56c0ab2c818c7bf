"use client";

import { useEffect, useRef, useState } from "react";

/** An account's picture, or its initial in a circle when there is none or it does not load. */
export function Avatar({ src, name, size = 20 }: { src: string | null; name: string; size?: number }) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  // An image that failed before hydration fired its error event before React listened.
  useEffect(() => {
    if (image.current?.complete && image.current.naturalWidth === 0) setFailed(true);
  }, [src]);
  if (!src || failed) {
    return (
      <span
        aria-hidden
        data-testid="avatar-fallback"
        style={{ width: size, height: size }}
        className="inline-flex shrink-0 items-center justify-center rounded-full bg-indigo-100 text-[10px] font-semibold uppercase text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300"
      >
        {name.trim().charAt(0) || "?"}
      </span>
    );
  }
  // eslint-disable-next-line @next/next/no-img-element -- remote avatars from any provider host; next/image would need each host listed
  return <img ref={image} src={src} alt="" width={size} height={size} className="shrink-0 rounded-full" onError={() => setFailed(true)} />;
}
