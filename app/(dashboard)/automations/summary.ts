import type { AutomationTrigger } from "@/lib/automations/definition";

/** A trigger in words, for lists and headers. */
export function describeTrigger(trigger: AutomationTrigger): string {
  switch (trigger.kind) {
    case "delivery":
      return `When ${trigger.providerId} sends ${trigger.event && trigger.event !== "*" ? trigger.event : "any event"}${trigger.endpointId ? ` to ${trigger.endpointId}` : ""}${trigger.filter ? " (filtered)" : ""}`;
    case "schedule":
      return `On schedule ${trigger.cron} (${trigger.timezone})`;
    case "manual":
      return "By hand";
  }
}
