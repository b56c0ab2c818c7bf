"use client";

import { useActionState, useState } from "react";
import { Alert, Button, inputClass } from "@/app/_components/ui";
import { disconnectAction, disconnectSharedAction, instanceKeyShareAction, saveApiKeyAction, saveSharedApiKeyAction, type ActionResult } from "./actions";

export function DisconnectButton({
  connectionId,
  providerName,
  what,
  shared = false,
}: {
  connectionId: string;
  providerName: string;
  what: string;
  shared?: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<ActionResult, FormData>(shared ? disconnectSharedAction : disconnectAction, undefined);
  if (state?.error) return <Alert>{state.error}</Alert>;
  if (!confirming) {
    return (
      <Button type="button" variant="secondary" onClick={() => setConfirming(true)}>
        {what === "key" ? "Remove key" : "Disconnect"}
      </Button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center gap-2" role="group" aria-label={`Confirm disconnecting ${providerName}`}>
      <input type="hidden" name="connectionId" value={connectionId} />
      <span className="text-sm">
        {what === "key" ? `Remove your ${providerName} key?` : `Disconnect ${providerName}? Patchbay revokes its access and deletes the tokens.`}
      </span>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Disconnecting…" : what === "key" ? "Yes, remove" : "Yes, disconnect"}
      </Button>
      <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </form>
  );
}

export function ApiKeyForm({ providerId, providerName, replacing }: { providerId: string; providerName: string; replacing: boolean }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(saveApiKeyAction, undefined);
  // Controlled, so the pasted key survives the form reset React does after an action.
  const [apiKey, setApiKey] = useState("");
  // Once saved, the key leaves the field (and the page): it is never shown again.
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state?.ok) setApiKey("");
  }
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="providerId" value={providerId} />
      <label htmlFor={`${providerId}-api-key`} className="block text-sm font-medium">
        {replacing ? `Replace your ${providerName} API key` : `Your ${providerName} API key`}
      </label>
      <div className="flex gap-2">
        <input
          id={`${providerId}-api-key`}
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          className={inputClass}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <Button type="submit" disabled={pending}>
          {pending ? "Checking…" : replacing ? "Replace key" : "Add API key"}
        </Button>
      </div>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.canSaveUnchecked && (
        <Button type="submit" name="unchecked" value="1" variant="secondary" disabled={pending}>
          Save without checking
        </Button>
      )}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
    </form>
  );
}

/** An admin saves an API key as the workspace's shared connection: one form, the service chosen from those that take a key. */
export function SharedApiKeyForm({ services, workspaceName }: { services: { id: string; name: string }[]; workspaceName: string }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(saveSharedApiKeyAction, undefined);
  const [apiKey, setApiKey] = useState("");
  const [providerId, setProviderId] = useState(services[0]?.id ?? "");
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state?.ok) setApiKey("");
  }
  return (
    <form action={action} className="space-y-2" aria-label={`Share an API key with ${workspaceName}`}>
      <div className="flex flex-wrap items-end gap-2">
        <label className="text-sm font-medium">
          <span className="mb-1 block">Service</span>
          <select name="providerId" className={`${inputClass} w-auto`} value={providerId} onChange={(event) => setProviderId(event.target.value)}>
            {services.map((service) => (
              <option key={service.id} value={service.id}>
                {service.name}
              </option>
            ))}
          </select>
        </label>
        <label className="min-w-0 flex-1 text-sm font-medium">
          <span className="mb-1 block">Shared API key</span>
          <input
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            className={inputClass}
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
          />
        </label>
        <Button type="submit" disabled={pending}>
          {pending ? "Checking…" : "Share API key"}
        </Button>
      </div>
      {state?.error && <Alert>{state.error}</Alert>}
      {state?.canSaveUnchecked && (
        <Button type="submit" name="unchecked" value="1" variant="secondary" disabled={pending}>
          Save without checking
        </Button>
      )}
      {state?.ok && <Alert tone="success">{state.ok}</Alert>}
    </form>
  );
}

/** The owner's per-key choice: let members act with the instance's key for this service, or stop. */
export function InstanceKeyShareButton({ providerId, shared }: { providerId: string; shared: boolean }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(instanceKeyShareAction, undefined);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="providerId" value={providerId} />
      <input type="hidden" name="share" value={shared ? "0" : "1"} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {shared ? "Stop sharing" : "Share with members"}
      </Button>
      {state?.error && <Alert>{state.error}</Alert>}
    </form>
  );
}
