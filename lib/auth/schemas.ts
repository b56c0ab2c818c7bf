import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address." }));

export const credentialsSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: "Enter your password." }).max(1024),
});

export const newPasswordSchema = z.string().min(12, { message: "Use at least 12 characters." }).max(1024, { message: "Use at most 1024 characters." });

export const newAccountSchema = z.object({
  name: z.string().trim().min(1, { message: "Enter a name." }).max(100),
  email: emailSchema,
  password: newPasswordSchema,
});

export type NewAccount = z.infer<typeof newAccountSchema>;
