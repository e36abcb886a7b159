import { gql } from 'graphql-request';

/** Every dimension the bot reads; all exist in Cloudflare's `accessLoginRequestsAdaptiveGroups`. */
export const LOGIN_DIMENSIONS = [
  'appId',
  'approvingPolicyId',
  'cfRayId',
  'country',
  'datetime',
  'deviceId',
  'hasExistingJWT',
  'hasGatewayEnabled',
  'hasWarpEnabled',
  'identityProvider',
  'ipAddress',
  'isSuccessfulLogin',
  'mtlsCertSerialId',
  'mtlsCommonName',
  'mtlsStatus',
  'serviceTokenId',
  'userUuid',
] as const;
export type LoginDimension = (typeof LOGIN_DIMENSIONS)[number];

/** Without these a row cannot be matched to a Ray ID or placed in time: no lookup can work. */
export const REQUIRED_DIMENSIONS: readonly LoginDimension[] = ['cfRayId', 'datetime'];

/** Reads the dataset's limits once: how wide a window may be, how far back data goes, which fields the plan has. */
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
            availableFields
          }
        }
      }
    }
  }
`;

/** What one login query selects: the dimensions the account's plan has, and `count` when it has it. */
export interface LoginSelection {
  dimensions: readonly LoginDimension[];
  count: boolean;
}

export const FULL_SELECTION: LoginSelection = { dimensions: LOGIN_DIMENSIONS, count: true };

function selectionText(selection: LoginSelection): string {
  // Always in the schema's order, so equal selections give byte-equal documents.
  const dimensions = LOGIN_DIMENSIONS.filter((d) => selection.dimensions.includes(d));
  return `${selection.count ? 'count\n          ' : ''}dimensions {\n            ${dimensions.join('\n            ')}\n          }`;
}

/**
 * The login query for one Ray ID (`one`) or several (`many`) in one time window, selecting only
 * `selection` (Cloudflare fails a whole query over one field the plan lacks).
 */
export function loginQueryDocument(kind: 'one' | 'many', selection: LoginSelection = FULL_SELECTION): string {
  const [name, rayVariable, rayFilter] =
    kind === 'one'
      ? ['AccessLoginByRayId', '$rayId: string!', 'cfRayId: $rayId']
      : ['AccessLoginsByRayIds', '$rayIds: [string!]!', 'cfRayId_in: $rayIds'];
  return gql`
  query ${name}($accountTag: string!, ${rayVariable}, $start: Time!, $end: Time!, $limit: uint64!) {
    viewer {
      accounts(filter: { accountTag: $accountTag }) {
        accessLoginRequestsAdaptiveGroups(
          filter: { ${rayFilter}, datetime_geq: $start, datetime_leq: $end }
          limit: $limit
          orderBy: [datetime_DESC]
        ) {
          ${selectionText(selection)}
        }
      }
    }
  }
`;
}

/** One Ray ID in one time window, every field. */
export const ACCESS_LOGIN_BY_RAY_ID_QUERY = loginQueryDocument('one');

/** Several Ray IDs in one time window, one round trip, every field. */
export const ACCESS_LOGINS_BY_RAY_IDS_QUERY = loginQueryDocument('many');

/** Every document the bot can send with every field, for the schema-validation test. */
export const ALL_QUERIES = {
  AccessLoginDatasetSettings: ACCESS_LOGIN_SETTINGS_QUERY,
  AccessLoginByRayId: ACCESS_LOGIN_BY_RAY_ID_QUERY,
  AccessLoginsByRayIds: ACCESS_LOGINS_BY_RAY_IDS_QUERY,
} as const;

/**
 * The dimensions (and `count`) a `settings.availableFields` list grants. Cloudflare's docs do not
 * pin the spelling for grouped datasets; public clients see bare names as well as `dimensions.x` /
 * `dimensions_x`, so all three are read, case-insensitively. Unknown entries are ignored.
 */
export function selectionFromAvailableFields(availableFields: readonly string[]): LoginSelection {
  const granted = new Set(
    availableFields.map((field) =>
      field
        .trim()
        .toLowerCase()
        .replace(/^dimensions[._]/, ''),
    ),
  );
  return {
    dimensions: LOGIN_DIMENSIONS.filter((d) => granted.has(d.toLowerCase())),
    count: granted.has('count'),
  };
}
