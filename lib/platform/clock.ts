/** The current time, for server components that render "as of this request" (kept out of render bodies for the React compiler's purity rule). */
export function currentTime(): number {
  return Date.now();
}
