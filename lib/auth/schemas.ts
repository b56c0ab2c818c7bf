import { z } from "zod";
import { MAX_PASSWORD_LENGTH, passwordWeakness } from "./password-strength";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address." }));

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: "Enter your password." }).max(MAX_PASSWORD_LENGTH),
});

/** A password being set (sign-up, a person added by the owner, a reset, a change): long enough and hard to guess. */
export const newPasswordSchema = z.string().superRefine((password, context) => {
  const weakness = passwordWeakness(password);
  if (weakness) context.addIssue({ code: "custom", message: weakness });
});

export const newAccountSchema = z
  .object({
    name: z.string().trim().min(1, { message: "Enter a name." }).max(100),
    email: emailSchema,
    password: z.string(),
  })
  .superRefine((account, context) => {
    // The person's own name and email make a password easier to guess: checked here, where they are known.
    const weakness = passwordWeakness(account.password, [account.name, account.email]);
    if (weakness) context.addIssue({ code: "custom", path: ["password"], message: weakness });
  });

export type NewAccount = z.infer<typeof newAccountSchema>;
