import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  ALL_QUERIES,
  LOGIN_DIMENSIONS,
  loginQueryDocument,
  REQUIRED_DIMENSIONS,
} from '../../src/cloudflare/queries.js';
import { createStandInSchema } from '../../src/sandbox/schema.js';

const sharedSdl = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/cloudflare/graphql-access-login.graphql',
);

function errorsAgainst(schema: GraphQLSchema, document: string): string[] {
  return validate(schema, parse(document)).map((e) => e.message);
}

const INVENTED_FIELD = `query Bad($accountTag: string!) {
  viewer { accounts(filter: { accountTag: $accountTag }) {
    accessLoginRequestsAdaptiveGroups(filter: {}, limit: 1) { dimensions { appName userEmail } }
  } }
}`;

const schemas: Array<[string, () => GraphQLSchema]> = [['the stand-in schema', () => createStandInSchema()]];
if (existsSync(sharedSdl)) {
  schemas.push([
    "Cloudflare's schema excerpt (../shared)",
    () => buildSchema(readFileSync(sharedSdl, 'utf8')),
  ]);
}

describe.each(schemas)('every query the bot sends validates against %s', (_name, load) => {
  const schema = load();
  it.each(Object.entries(ALL_QUERIES))('%s', (_operation, document) => {
    expect(errorsAgainst(schema, document)).toEqual([]);
  });

  // The documents built for a plan that lacks fields: each dimension left out in turn, the bare
  // minimum, with and without `count`, for one Ray ID and for several.
  const subsets: Array<[string, 'one' | 'many', readonly (typeof LOGIN_DIMENSIONS)[number][], boolean]> = [
    ...LOGIN_DIMENSIONS.filter((d) => !REQUIRED_DIMENSIONS.includes(d)).map(
      (left) =>
        [`without ${left}`, 'one', LOGIN_DIMENSIONS.filter((d) => d !== left), true] as [
          string,
          'one',
          readonly (typeof LOGIN_DIMENSIONS)[number][],
          boolean,
        ],
    ),
    ['only the required fields, no count', 'one', REQUIRED_DIMENSIONS, false],
    ['only the required fields, no count (several Ray IDs)', 'many', REQUIRED_DIMENSIONS, false],
  ];
  it.each(subsets)('a field-subset login query: %s', (_label, kind, dimensions, count) => {
    const document = loginQueryDocument(kind, { dimensions, count });
    expect(errorsAgainst(schema, document)).toEqual([]);
    for (const left of LOGIN_DIMENSIONS.filter((d) => !dimensions.includes(d))) {
      expect(document).not.toMatch(new RegExp(`\\b${left}\\b(?!_)`));
    }
  });

  it('and an invented field fails (the check can fail)', () => {
    expect(errorsAgainst(schema, INVENTED_FIELD).join('\n')).toMatch(/appName/);
  });
});

describe.runIf(existsSync(sharedSdl))('the stand-in schema matches Cloudflare’s excerpt', () => {
  it('has the same dimensions, filter operators and order-by values', () => {
    const real = buildSchema(readFileSync(sharedSdl, 'utf8'));
    const ours = createStandInSchema();
    for (const type of [
      'AccountAccessLoginRequestsAdaptiveGroupsDimensions',
      'AccountAccessLoginRequestsAdaptiveGroupsFilter_InputObject',
      'Settings',
    ]) {
      const fields = (s: GraphQLSchema) => {
        const t = s.getType(type);
        return t && 'getFields' in t
          ? Object.values(t.getFields())
              .map((f) => `${f.name}: ${String(f.type)}`)
              .sort()
          : [];
      };
      expect(fields(ours), type).toEqual(fields(real));
    }
    const values = (s: GraphQLSchema) => {
      const t = s.getType('AccountAccessLoginRequestsAdaptiveGroupsOrderBy');
      return t && 'getValues' in t
        ? t
            .getValues()
            .map((v) => v.name)
            .sort()
        : [];
    };
    expect(values(ours)).toEqual(values(real));
  });
});
