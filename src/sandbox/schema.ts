import {
  buildSchema,
  GraphQLError,
  GraphQLScalarType,
  type GraphQLSchema,
  Kind,
  type ValueNode,
} from 'graphql';

/**
 * The dimensions of Cloudflare's `accessLoginRequestsAdaptiveGroups` dataset with their Cloudflare
 * scalar types. Everything repetitive in the SDL (filter operators, orderBy values) is derived from
 * this list, so a field name added or changed here changes every place it appears.
 */
export const ACCESS_LOGIN_DIMENSIONS = [
  { name: 'appId', type: 'string', description: 'Access application ID' },
  { name: 'approvingPolicyId', type: 'string', description: 'Policy ID that approved the user' },
  { name: 'cfRayId', type: 'string', description: 'CF ray id' },
  { name: 'country', type: 'string', description: 'Country tag' },
  { name: 'date', type: 'Date', description: 'The date the access login event was emitted' },
  { name: 'datetime', type: 'Time', description: 'The date and time the access login event was emitted' },
  {
    name: 'datetimeMinute',
    type: 'Time',
    description: 'The date and time the access login event was emitted truncated to the minute',
  },
  { name: 'deviceId', type: 'string', description: 'Device ID' },
  { name: 'hasExistingJWT', type: 'uint8', description: 'Has existing JWT (0 = false, 1 = true)' },
  { name: 'hasGatewayEnabled', type: 'uint8', description: 'Has Gateway enabled (0 = false, 1 = true)' },
  { name: 'hasWarpEnabled', type: 'uint8', description: 'Has WARP enabled (0 = false, 1 = true)' },
  { name: 'identityProvider', type: 'string', description: 'Identity provider' },
  { name: 'ipAddress', type: 'string', description: 'User IP address' },
  {
    name: 'isSuccessfulLogin',
    type: 'uint8',
    description: 'If the login was successful (0 = false, 1 = true)',
  },
  { name: 'mtlsCertSerialId', type: 'string', description: 'MTLS certificate serial ID' },
  { name: 'mtlsCommonName', type: 'string', description: 'MTLS common name' },
  {
    name: 'mtlsStatus',
    type: 'string',
    description: 'MTLS status (may show error message if status is not successful)',
  },
  { name: 'serviceTokenId', type: 'string', description: 'Service token ID' },
  { name: 'userUuid', type: 'string', description: 'User UUID' },
] as const;

export type DimensionName = (typeof ACCESS_LOGIN_DIMENSIONS)[number]['name'];
export type DimensionScalar = (typeof ACCESS_LOGIN_DIMENSIONS)[number]['type'];

export const DIMENSION_NAMES: readonly DimensionName[] = ACCESS_LOGIN_DIMENSIONS.map((d) => d.name);

/** Operators Cloudflare generates per dimension; `like` only exists on `string` dimensions. */
const COMPARISON_OPERATORS = ['neq', 'gt', 'geq', 'lt', 'leq'] as const;

function filterFieldsFor(name: string, type: DimensionScalar): string[] {
  // Cloudflare's odd but real detail: list operators on uint8 flags take the `bytes` scalar.
  const listType = type === 'uint8' ? 'bytes' : `[${type}!]`;
  const lines = [`${name}: ${type}`];
  for (const op of COMPARISON_OPERATORS) lines.push(`${name}_${op}: ${type}`);
  lines.push(`${name}_in: ${listType}`, `${name}_notin: ${listType}`);
  if (type === 'string') lines.push(`${name}_like: ${type}`, `${name}_notlike: ${type}`);
  return lines;
}

const ORDER_BY_VALUES: readonly string[] = [
  ...ACCESS_LOGIN_DIMENSIONS.map((d) => d.name),
  'count',
  'avg_sampleInterval',
].flatMap((field) => [`${field}_ASC`, `${field}_DESC`]);

const indent = (lines: readonly string[]): string => lines.map((line) => `  ${line}`).join('\n');

/** SDL of the part of Cloudflare's GraphQL Analytics schema the bot touches, with no extra fields. */
export const STAND_IN_SDL = `
type Query {
  cost: uint64!
  viewer: viewer
}

type viewer {
  accounts(filter: AccountFilter_InputObject!): [account!]!
  budget: uint64!
}

input AccountFilter_InputObject {
  accountTag: string!
}

type account {
  """Access login requests"""
  accessLoginRequestsAdaptiveGroups(
    filter: AccountAccessLoginRequestsAdaptiveGroupsFilter_InputObject!
    limit: uint64!
    orderBy: [AccountAccessLoginRequestsAdaptiveGroupsOrderBy!]
  ): [AccountAccessLoginRequestsAdaptiveGroups!]!
  accountTag: string!
  settings: AccountSettings
}

"""Access login requests"""
type AccountAccessLoginRequestsAdaptiveGroups {
  avg: AccountAccessLoginRequestsAdaptiveGroupsAvg
  """Number of access login API events processed"""
  count: uint64!
  """List of dimensions to group by"""
  dimensions: AccountAccessLoginRequestsAdaptiveGroupsDimensions
}

type AccountAccessLoginRequestsAdaptiveGroupsAvg {
  """Average sample interval"""
  sampleInterval: float64!
}

type AccountAccessLoginRequestsAdaptiveGroupsDimensions {
${ACCESS_LOGIN_DIMENSIONS.map((d) => `  """${d.description}"""\n  ${d.name}: ${d.type}!`).join('\n')}
}

input AccountAccessLoginRequestsAdaptiveGroupsFilter_InputObject {
  AND: [AccountAccessLoginRequestsAdaptiveGroupsFilter_InputObject!]
  OR: [AccountAccessLoginRequestsAdaptiveGroupsFilter_InputObject!]
${indent(ACCESS_LOGIN_DIMENSIONS.flatMap((d) => filterFieldsFor(d.name, d.type)))}
}

enum AccountAccessLoginRequestsAdaptiveGroupsOrderBy {
${indent(ORDER_BY_VALUES)}
}

type AccountSettings {
  accessLoginRequestsAdaptiveGroups: Settings!
}

"""Access and limitations"""
type Settings {
  """The list of available fields to query"""
  availableFields: [string!]!
  enabled: bool!
  """Requested time range should not be wider than this (seconds)"""
  maxDuration: int64!
  """Maximum number of fields to request at once"""
  maxNumberOfFields: int64!
  """Maximum allowed value for 'limit'"""
  maxPageSize: int64!
  """Cannot reach for data beyond this distance in the past (seconds)"""
  notOlderThan: int64!
}

scalar bool
scalar bytes
scalar Date
scalar float64
scalar int64
scalar string
scalar Time
scalar uint64
scalar uint8
`;

interface ScalarBehaviour {
  /** Turns an incoming value (variable or literal) into the runtime value, or throws. */
  parse(value: unknown): unknown;
  serialize(value: unknown): unknown;
}

const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function integerIn(min: number, max: number, label: string) {
  return (value: unknown): number => {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new GraphQLError(`expected ${label}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

const parseUint8 = integerIn(0, 255, 'uint8');

const SCALARS: Record<string, ScalarBehaviour> = {
  string: {
    parse: (v) => {
      if (typeof v !== 'string') throw new GraphQLError(`expected string, got ${JSON.stringify(v)}`);
      return v;
    },
    serialize: (v) => String(v),
  },
  bool: {
    parse: (v) => {
      if (typeof v !== 'boolean') throw new GraphQLError(`expected bool, got ${JSON.stringify(v)}`);
      return v;
    },
    serialize: (v) => Boolean(v),
  },
  uint8: { parse: parseUint8, serialize: parseUint8 },
  uint64: {
    parse: integerIn(0, Number.MAX_SAFE_INTEGER, 'uint64'),
    serialize: integerIn(0, Number.MAX_SAFE_INTEGER, 'uint64'),
  },
  int64: {
    parse: integerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'int64'),
    serialize: integerIn(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'int64'),
  },
  float64: {
    parse: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new GraphQLError(`expected float64, got ${JSON.stringify(v)}`);
      }
      return v;
    },
    serialize: (v) => Number(v),
  },
  Time: {
    parse: (v) => {
      if (typeof v !== 'string' || !TIME_PATTERN.test(v) || Number.isNaN(Date.parse(v))) {
        throw new GraphQLError(`expected an RFC 3339 time, got ${JSON.stringify(v)}`);
      }
      return v;
    },
    serialize: (v) => String(v),
  },
  Date: {
    parse: (v) => {
      if (typeof v !== 'string' || !DATE_PATTERN.test(v) || Number.isNaN(Date.parse(v))) {
        throw new GraphQLError(`expected a date (YYYY-MM-DD), got ${JSON.stringify(v)}`);
      }
      return v;
    },
    serialize: (v) => String(v),
  },
  bytes: {
    // Go's []uint8: a list of small integers, or its JSON form, a base64 string.
    parse: (v) => {
      if (Array.isArray(v)) return v.map(parseUint8);
      if (typeof v === 'string') return [...Buffer.from(v, 'base64')];
      throw new GraphQLError(`expected bytes, got ${JSON.stringify(v)}`);
    },
    serialize: (v) => v,
  },
};

function literalToJs(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalToJs(v, variables));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToJs(f.value, variables)]));
  }
}

/**
 * Builds an executable schema from `STAND_IN_SDL`, with Cloudflare's lowercase scalars checking their
 * input (a string where a `Time` belongs fails the request, as an argument error would at Cloudflare).
 */
export function createStandInSchema(): GraphQLSchema {
  const schema = buildSchema(STAND_IN_SDL);
  for (const [name, behaviour] of Object.entries(SCALARS)) {
    const scalar = schema.getType(name);
    if (!(scalar instanceof GraphQLScalarType)) throw new Error(`scalar ${name} missing from STAND_IN_SDL`);
    Object.assign(scalar, {
      serialize: behaviour.serialize,
      parseValue: behaviour.parse,
      parseLiteral: (node: ValueNode, variables?: Record<string, unknown> | null) => {
        // Cloudflare's lowercase `string` is not GraphQL's String: numbers must not slip through as text.
        if (name === 'string' && node.kind !== Kind.STRING) {
          throw new GraphQLError(`expected string literal, got ${node.kind}`);
        }
        return behaviour.parse(literalToJs(node, variables));
      },
    });
  }
  return schema;
}
