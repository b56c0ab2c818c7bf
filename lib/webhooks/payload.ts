/**
 * The JSON payload of a delivery body, given its content type. GitHub may send
 * `application/x-www-form-urlencoded` with the JSON in a `payload` field; everything else is JSON.
 * Throws when the body cannot be turned into JSON.
 */
export function deliveryPayload(body: string, contentType: string | null | undefined): unknown {
  if ((contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(body).get("payload");
    if (payload === null) throw new Error("form body without a payload field");
    return JSON.parse(payload);
  }
  return JSON.parse(body);
}
