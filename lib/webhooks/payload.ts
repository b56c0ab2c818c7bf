/**
 * The JSON payload of a delivery body, given its content type. GitHub may send
 * `application/x-www-form-urlencoded` with the JSON in a `payload` field; a sender whose form
 * fields are the payload (Twilio: `formFields`) gets them as one object; everything else is JSON.
 * Throws when the body cannot be turned into JSON.
 */
export function deliveryPayload(body: string, contentType: string | null | undefined, formFields = false): unknown {
  if ((contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    if (formFields) return Object.fromEntries(new URLSearchParams(body));
    const payload = new URLSearchParams(body).get("payload");
    if (payload === null) throw new Error("form body without a payload field");
    return JSON.parse(payload);
  }
  return JSON.parse(body);
}
