"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { Alert, Button, Field } from "@/app/_components/ui";
import { confirmTwoFactorSetup, disableTwoFactor, newRecoveryCodes, startTwoFactorSetup, type TwoFactorState } from "./two-factor-actions";

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-2">
      <p className="text-sm">
        Keep these recovery codes somewhere safe, apart from your phone. Each one signs you in once if you lose your authenticator. They are shown only now.
      </p>
      <ul data-testid="recovery-codes" className="grid max-w-sm grid-cols-2 gap-1 rounded-md bg-zinc-100 p-3 font-mono text-sm dark:bg-zinc-800">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </div>
  );
}

function Enrol() {
  const [started, start, starting] = useActionState<TwoFactorState, FormData>(startTwoFactorSetup, undefined);
  const [confirmed, confirm, confirming] = useActionState<TwoFactorState, FormData>(confirmTwoFactorSetup, undefined);
  const router = useRouter();
  const enrolment = confirmed?.enrolment ?? started?.enrolment;
  if (confirmed?.recoveryCodes) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{confirmed.ok}</Alert>
        <RecoveryCodes codes={confirmed.recoveryCodes} />
        <Button type="button" onClick={() => router.refresh()}>
          I have kept my recovery codes
        </Button>
      </div>
    );
  }
  if (!enrolment) {
    return (
      <form action={start} className="space-y-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Sign in with a code from an authenticator app (1Password, Google Authenticator, Authy…) as well as your password.
        </p>
        {started?.error && <Alert>{started.error}</Alert>}
        <Button type="submit" disabled={starting}>
          {starting ? "Preparing…" : "Set up two-factor sign-in"}
        </Button>
      </form>
    );
  }
  return (
    <div className="max-w-md space-y-4">
      <p className="text-sm">Scan this QR code with your authenticator app, or enter the key by hand. Then type the code it shows.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server */}
      <img src={enrolment.qrCode} alt="QR code for your authenticator app" width={200} height={200} className="rounded bg-white" />
      <p className="text-sm">
        Key:{" "}
        <code data-testid="totp-secret" className="break-all font-mono">
          {enrolment.secret}
        </code>
      </p>
      <details className="text-xs text-zinc-500">
        <summary>Setup link</summary>
        <code data-testid="totp-uri" className="break-all">
          {enrolment.uri}
        </code>
      </details>
      <form action={confirm} className="space-y-3">
        {confirmed?.error && <Alert>{confirmed.error}</Alert>}
        <Field key={confirmed?.error ?? "code"} label="Code from the app" name="code" autoComplete="one-time-code" inputMode="numeric" required />
        <Button type="submit" disabled={confirming}>
          {confirming ? "Checking…" : "Turn on two-factor sign-in"}
        </Button>
      </form>
    </div>
  );
}

function Enabled({ recoveryCodesLeft }: { recoveryCodesLeft: number }) {
  const [disabled, disable, disabling] = useActionState<TwoFactorState, FormData>(disableTwoFactor, undefined);
  const [renewed, renew, renewing] = useActionState<TwoFactorState, FormData>(newRecoveryCodes, undefined);
  return (
    <div className="max-w-md space-y-6">
      <p className="text-sm" data-testid="two-factor-status">
        Two-factor sign-in is on. {recoveryCodesLeft === 1 ? "1 recovery code" : `${recoveryCodesLeft} recovery codes`} left.
      </p>
      <form action={renew} className="space-y-3">
        <h3 className="text-sm font-semibold">New recovery codes</h3>
        {renewed?.error && <Alert>{renewed.error}</Alert>}
        {renewed?.recoveryCodes && <RecoveryCodes codes={renewed.recoveryCodes} />}
        <Field label="Current code" name="code" autoComplete="one-time-code" />
        <Button type="submit" variant="secondary" disabled={renewing}>
          Make new recovery codes
        </Button>
      </form>
      <form action={disable} className="space-y-3">
        <h3 className="text-sm font-semibold">Turn off</h3>
        {disabled?.error && <Alert>{disabled.error}</Alert>}
        <Field label="Code or recovery code" name="code" autoComplete="one-time-code" hint="Or leave it empty and enter your password." />
        <Field label="Your password" name="password" type="password" autoComplete="current-password" />
        <Button type="submit" variant="danger" disabled={disabling}>
          Turn off two-factor sign-in
        </Button>
      </form>
    </div>
  );
}

/** The account page's two-factor section: set up (QR code, first code, recovery codes), or manage. */
export function TwoFactorPanel({ enabled, recoveryCodesLeft }: { enabled: boolean; recoveryCodesLeft: number }) {
  return enabled ? <Enabled recoveryCodesLeft={recoveryCodesLeft} /> : <Enrol />;
}
