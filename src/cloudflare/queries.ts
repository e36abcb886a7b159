import { gql } from 'graphql-request';

/** Every dimension the bot reads; all exist in Cloudflare's `accessLoginRequestsAdaptiveGroups`. */
const LOGIN_DIMENSIONS = `
  appId
  approvingPolicyId
  cfRayId
  country
  datetime
  deviceId
  hasExistingJWT
  hasGatewayEnabled
  hasWarpEnabled
  identityProvider
  ipAddress
  isSuccessfulLogin
  mtlsCertSerialId
  mtlsCommonName
  mtlsStatus
  serviceTokenId
  userUuid
`;

/** Reads the dataset's limits once: how wide a window may be and how far back data goes. */
export const ACCESS_LOGIN_SETTINGS_QUERY = gql`
  query AccessLoginDatasetSettings($accountTag: string!) {
    viewer {
      accounts(filter: { accountTag: $accountTag }) {
        settings {
          accessLoginRequestsAdaptiveGroups {
            enabled
            maxDuration
            maxPageSize
            notOlderThan
          }
        }
      }
    }
  }
`;

/** One Ray ID in one time window. */
export const ACCESS_LOGIN_BY_RAY_ID_QUERY = gql`
  query AccessLoginByRayId($accountTag: string!, $rayId: string!, $start: Time!, $end: Time!, $limit: uint64!) {
    viewer {
      accounts(filter: { accountTag: $accountTag }) {
        accessLoginRequestsAdaptiveGroups(
          filter: { cfRayId: $rayId, datetime_geq: $start, datetime_leq: $end }
          limit: $limit
          orderBy: [datetime_DESC]
        ) {
          count
          dimensions {${LOGIN_DIMENSIONS}}
        }
      }
    }
  }
`;

/** Several Ray IDs in one time window, one round trip. */
export const ACCESS_LOGINS_BY_RAY_IDS_QUERY = gql`
  query AccessLoginsByRayIds($accountTag: string!, $rayIds: [string!]!, $start: Time!, $end: Time!, $limit: uint64!) {
    viewer {
      accounts(filter: { accountTag: $accountTag }) {
        accessLoginRequestsAdaptiveGroups(
          filter: { cfRayId_in: $rayIds, datetime_geq: $start, datetime_leq: $end }
          limit: $limit
          orderBy: [datetime_DESC]
        ) {
          count
          dimensions {${LOGIN_DIMENSIONS}}
        }
      }
    }
  }
`;

/** Every document the bot can send, for the schema-validation test. */
export const ALL_QUERIES = {
  AccessLoginDatasetSettings: ACCESS_LOGIN_SETTINGS_QUERY,
  AccessLoginByRayId: ACCESS_LOGIN_BY_RAY_ID_QUERY,
  AccessLoginsByRayIds: ACCESS_LOGINS_BY_RAY_IDS_QUERY,
} as const;
