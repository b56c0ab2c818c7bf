/**
 * An account's initial in a circle. Pictures are not loaded: they live on the provider's host
 * (GitHub's avatar CDN), which would fail offline and learn who looks at the page, when.
 */
export function Avatar({ name, size = 20 }: { name: string; size?: number }) {
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
