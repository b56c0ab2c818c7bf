/** Errors a person can act on; `message` never contains a secret. */
export type ConnectionErrorCode =
  | "unknown_provider"
  | "not_configured"
  | "not_connected"
  | "needs_reconnect"
  | "refresh_failed"
  | "not_found"
  | "missing_api_key"
  | "instance_key_not_shared"
  | "owner_only"
  | "invalid_api_key"
  | "check_failed";

export class ConnectionError extends Error {
  override name = "ConnectionError";
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
