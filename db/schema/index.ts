/**
 * The tables every module imports: SQLite's (db/schema-sqlite) or PostgreSQL's (db/schema-pg),
 * picked once from DATABASE_URL. Both declare the same tables, columns and indexes (the table
 * files of db/schema-pg are generated from db/schema-sqlite; tests/unit/schema-parity.test.ts) and
 * give rows the same JavaScript shape, so modules are typed against the SQLite declarations and run
 * on either. Everything else (types, status lists)
 * comes from the SQLite files unchanged; the tables below shadow those of the star export.
 */
import * as pg from "../schema-pg";
import * as sqlite from "../schema-sqlite";
import { isPostgresUrl } from "@/lib/platform/dialect";

export * from "../schema-sqlite";

const chosen = (isPostgresUrl(process.env.DATABASE_URL) ? pg : sqlite) as unknown as typeof sqlite;

export const {
  users,
  accounts,
  loginThrottle,
  connections,
  oauthStates,
  instanceKeyShares,
  webhookEndpoints,
  webhookDeliveries,
  webhookAttempts,
  webhookDeliveryHours,
  webhookDeliveryDays,
  webhookDeliveryChanges,
  webhookDeliveryRollup,
  savedDeliveryViews,
  toolRuns,
  workflowRuns,
  workflowRunSteps,
  agentConversations,
  agentMessages,
  agentToolCalls,
  openapiSpecs,
  openapiOperations,
  oauthClients,
  accessTokens,
  oauthAuthorizationCodes,
  alerts,
  alertDeliveries,
  alertChannels,
  forwardDestinations,
  outboundMessages,
  outboundAttempts,
  rateLimits,
  passwordResets,
  secondFactors,
  recoveryCodes,
  signInChallenges,
  workspaces,
  memberships,
  invites,
  auditEvents,
  automations,
  automationVersions,
  automationRuns,
  automationRunAttempts,
  automationRunSteps,
} = chosen;
