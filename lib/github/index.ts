// The face of lib/github/: what other areas of lib/ use (docs/architecture.md).
export { githubErrorMessage, githubFor } from "./client";
