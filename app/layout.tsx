import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Patchbay", template: "%s · Patchbay" },
  description: "Connect services, watch their webhooks, run tools and workflows against them.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page, the 404 page too, renders per request: the Content-Security-Policy's nonce is new
  // each time (proxy.ts), and a page built ahead of time would carry scripts without it.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
