import "server-only";
// Brand icons from simple-icons (CC0-1.0, simpleicons.org), imported one by one so that only these
// are loaded; rendered on the server as inline SVG, so none of them reaches the browser's bundle.
import {
  siAirtable,
  siAsana,
  siAtlassian,
  siBitbucket,
  siBox,
  siCalendly,
  siClerk,
  siClickup,
  siDiscord,
  siDropbox,
  siFigma,
  siGithub,
  siGitlab,
  siGoogle,
  siHubspot,
  siIntercom,
  siLinear,
  siMailchimp,
  siNotion,
  siPaddle,
  siPagerduty,
  siRazorpay,
  siResend,
  siSentry,
  siShopify,
  siSquare,
  siStripe,
  siTypeform,
  siVercel,
  siZendesk,
  siZoom,
  type SimpleIcon,
} from "simple-icons";
import { ProviderLogo } from "./provider-logo";

/** The icon for each `logo` slug the provider declarations name (tests/unit/service-catalog.test.ts checks none is missing). */
export const brandIcons: Record<string, SimpleIcon> = {
  airtable: siAirtable,
  asana: siAsana,
  atlassian: siAtlassian,
  bitbucket: siBitbucket,
  box: siBox,
  calendly: siCalendly,
  clerk: siClerk,
  clickup: siClickup,
  discord: siDiscord,
  dropbox: siDropbox,
  figma: siFigma,
  github: siGithub,
  gitlab: siGitlab,
  google: siGoogle,
  hubspot: siHubspot,
  intercom: siIntercom,
  linear: siLinear,
  mailchimp: siMailchimp,
  notion: siNotion,
  paddle: siPaddle,
  pagerduty: siPagerduty,
  razorpay: siRazorpay,
  resend: siResend,
  sentry: siSentry,
  shopify: siShopify,
  square: siSquare,
  stripe: siStripe,
  typeform: siTypeform,
  vercel: siVercel,
  zendesk: siZendesk,
  zoom: siZoom,
};

/** A provider's brand icon on a light tile, or its monogram when it declares no logo. */
export function BrandLogo({ name, color, logo, size = 40 }: { name: string; color: string; logo?: string; size?: number }) {
  const icon = logo ? brandIcons[logo] : undefined;
  if (!icon) return <ProviderLogo name={name} color={color} size={size} />;
  return (
    <span
      aria-hidden
      className="inline-flex shrink-0 items-center justify-center rounded-lg bg-white ring-1 ring-inset ring-zinc-200 dark:ring-zinc-700"
      style={{ width: size, height: size }}
    >
      <svg viewBox="0 0 24 24" width={size * 0.6} height={size * 0.6} fill={`#${icon.hex}`}>
        <path d={icon.path} />
      </svg>
    </span>
  );
}
