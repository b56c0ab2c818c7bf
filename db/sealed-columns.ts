import { connections, oauthStates, openapiSpecs, secondFactors, webhookEndpoints } from "./schema";

/**
 * Every column that holds a sealed secret, with the column that identifies its row (the sealing
 * context is `{ table, column, id }`). Key rotation and the plaintext scan tests walk this list.
 */
export const sealedColumns = [
  { table: connections, tableName: "connections", idColumn: connections.id, column: connections.accessTokenSealed, columnName: "access_token" },
  { table: connections, tableName: "connections", idColumn: connections.id, column: connections.refreshTokenSealed, columnName: "refresh_token" },
  { table: connections, tableName: "connections", idColumn: connections.id, column: connections.apiKeySealed, columnName: "api_key" },
  { table: oauthStates, tableName: "oauth_states", idColumn: oauthStates.stateHash, column: oauthStates.codeVerifierSealed, columnName: "code_verifier" },
  { table: webhookEndpoints, tableName: "webhook_endpoints", idColumn: webhookEndpoints.id, column: webhookEndpoints.secretSealed, columnName: "secret" },
  {
    table: webhookEndpoints,
    tableName: "webhook_endpoints",
    idColumn: webhookEndpoints.id,
    column: webhookEndpoints.previousSecretSealed,
    columnName: "previous_secret",
  },
  { table: openapiSpecs, tableName: "openapi_specs", idColumn: openapiSpecs.id, column: openapiSpecs.credentialSealed, columnName: "credential" },
  { table: secondFactors, tableName: "second_factors", idColumn: secondFactors.userId, column: secondFactors.secret, columnName: "secret" },
] as const;
