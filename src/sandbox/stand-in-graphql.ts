import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  Kind,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import type { AccessLoginDimensions, AnalyticsSettings, SampleDataset, SampleLoginEvent } from './dataset.js';
import {
  ACCESS_LOGIN_DIMENSIONS,
  createStandInSchema,
  type DimensionName,
  type DimensionScalar,
} from './schema.js';

/** One error as Cloudflare's GraphQL API writes it: no `locations`, `path` segments as strings. */
export interface CloudflareGraphqlError {
  message: string;
  path: string[] | null;
  extensions: { timestamp: string; [key: string]: unknown };
}

/** Cloudflare answers `errors: null` on success rather than leaving the key out. */
export interface CloudflareGraphqlBody {
  data: unknown;
  errors: CloudflareGraphqlError[] | null;
}

export interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

interface ExecutionContext {
  dataset: SampleDataset;
  settings: AnalyticsSettings;
  now: Date;
  /** Whether the token carries Account Analytics Read. */
  canReadAnalytics: boolean;
}

type Filter = Record<string, unknown>;

const SCALAR_OF = new Map<string, DimensionScalar>(ACCESS_LOGIN_DIMENSIONS.map((d) => [d.name, d.type]));
const DATASET_FIELD = 'accessLoginRequestsAdaptiveGroups';
const DAY_MS = 86_400_000;

function authzError(): GraphQLError {
  return new GraphQLError('not authorized for that account', { extensions: { code: 'authz' } });
}

function authorize(ctx: ExecutionContext, accountTag: string): void {
  if (!ctx.canReadAnalytics || accountTag !== ctx.dataset.accountId) throw authzError();
}

interface Selection {
  dimensions: Set<string>;
  count: boolean;
  avg: Set<string>;
}

function collectFields(
  selectionSet: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  out: FieldNode[],
): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, fragments, out);
    else collectFields(fragments[selection.name.value]?.selectionSet, fragments, out);
  }
  return out;
}

function selectionOf(info: GraphQLResolveInfo): Selection {
  const selection: Selection = { dimensions: new Set(), count: false, avg: new Set() };
  const top = info.fieldNodes.flatMap((node) => collectFields(node.selectionSet, info.fragments, []));
  for (const field of top) {
    const name = field.name.value;
    const children = collectFields(field.selectionSet, info.fragments, [])
      .map((f) => f.name.value)
      .filter((n) => n !== '__typename');
    if (name === 'count') selection.count = true;
    else if (name === 'dimensions') for (const child of children) selection.dimensions.add(child);
    else if (name === 'avg') for (const child of children) selection.avg.add(child);
  }
  return selection;
}

interface TimeBounds {
  start: number | undefined;
  end: number | undefined;
}

/** Reads the time range a filter bounds (top level and nested AND only: an OR does not narrow it). */
function timeBoundsOf(filter: Filter): TimeBounds {
  const bounds: TimeBounds = { start: undefined, end: undefined };
  const lower = (t: number) => {
    bounds.start = bounds.start === undefined ? t : Math.max(bounds.start, t);
  };
  const upper = (t: number) => {
    bounds.end = bounds.end === undefined ? t : Math.min(bounds.end, t);
  };
  const walk = (f: Filter) => {
    for (const [key, value] of Object.entries(f)) {
      if (value === null || value === undefined) continue;
      if (key === 'AND' && Array.isArray(value)) {
        for (const inner of value) walk(inner as Filter);
        continue;
      }
      const [field, op = 'eq'] = splitKey(key);
      if (typeof value !== 'string') continue;
      if (field === 'datetime' || field === 'datetimeMinute') {
        const t = Date.parse(value);
        if (op === 'geq' || op === 'gt' || op === 'eq') lower(t);
        if (op === 'leq' || op === 'lt' || op === 'eq') upper(t);
      } else if (field === 'date') {
        const t = Date.parse(`${value}T00:00:00Z`);
        if (op === 'geq' || op === 'eq') lower(t);
        if (op === 'gt') lower(t + DAY_MS);
        if (op === 'lt') upper(t);
        if (op === 'leq' || op === 'eq') upper(t + DAY_MS);
      }
    }
  };
  walk(filter);
  return bounds;
}

function splitKey(key: string): [string, string | undefined] {
  const sep = key.indexOf('_');
  return sep < 0 ? [key, undefined] : [key.slice(0, sep), key.slice(sep + 1)];
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function comparable(value: unknown, scalar: DimensionScalar | undefined): number | string {
  if (scalar === 'Time' && typeof value === 'string') return Date.parse(value);
  if (typeof value === 'number') return value;
  return String(value);
}

function compareValues(a: number | string, b: number | string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function matchesOperator(
  rowValue: unknown,
  op: string,
  operand: unknown,
  scalar: DimensionScalar | undefined,
): boolean {
  const left = comparable(rowValue, scalar);
  const list = (): Array<number | string> =>
    (Array.isArray(operand) ? operand : [operand]).map((v) => comparable(v, scalar));
  switch (op) {
    case 'eq':
      return compareValues(left, comparable(operand, scalar)) === 0;
    case 'neq':
      return compareValues(left, comparable(operand, scalar)) !== 0;
    case 'gt':
      return compareValues(left, comparable(operand, scalar)) > 0;
    case 'geq':
      return compareValues(left, comparable(operand, scalar)) >= 0;
    case 'lt':
      return compareValues(left, comparable(operand, scalar)) < 0;
    case 'leq':
      return compareValues(left, comparable(operand, scalar)) <= 0;
    case 'in':
      return list().some((v) => compareValues(left, v) === 0);
    case 'notin':
      return !list().some((v) => compareValues(left, v) === 0);
    case 'like':
      return likeToRegExp(String(operand)).test(String(rowValue));
    case 'notlike':
      return !likeToRegExp(String(operand)).test(String(rowValue));
    default:
      throw new GraphQLError(`unknown filter operator ${op}`);
  }
}

function matchesFilter(row: AccessLoginDimensions, filter: Filter): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (value === null || value === undefined) continue;
    if (key === 'AND') {
      if (!(value as Filter[]).every((inner) => matchesFilter(row, inner))) return false;
      continue;
    }
    if (key === 'OR') {
      const alternatives = value as Filter[];
      if (alternatives.length > 0 && !alternatives.some((inner) => matchesFilter(row, inner))) return false;
      continue;
    }
    const [field, op = 'eq'] = splitKey(key);
    const rowValue = row[field as DimensionName];
    if (!matchesOperator(rowValue, op, value, SCALAR_OF.get(field))) return false;
  }
  return true;
}

interface Group {
  count: number;
  avg: { sampleInterval: number };
  dimensions: AccessLoginDimensions;
}

function groupEvents(events: readonly SampleLoginEvent[], dimensions: ReadonlySet<string>): Group[] {
  const byKey = new Map<string, { events: SampleLoginEvent[] }>();
  const keyFields = [...dimensions] as DimensionName[];
  for (const event of events) {
    const key = JSON.stringify(keyFields.map((f) => event[f]));
    const bucket = byKey.get(key);
    if (bucket) bucket.events.push(event);
    else byKey.set(key, { events: [event] });
  }
  return [...byKey.values()].flatMap(({ events: members }) => {
    const first = members[0];
    if (!first) return [];
    const total = members.reduce((sum, e) => sum + e.sampleInterval, 0);
    return [{ count: total, avg: { sampleInterval: total / members.length }, dimensions: first }];
  });
}

function orderGroups(groups: Group[], orderBy: readonly string[]): Group[] {
  const keys = orderBy.map((spec) => {
    const sep = spec.lastIndexOf('_');
    return { field: spec.slice(0, sep), descending: spec.slice(sep + 1) === 'DESC' };
  });
  const sortValue = (g: Group, field: string): number | string => {
    if (field === 'count') return g.count;
    if (field === 'avg_sampleInterval') return g.avg.sampleInterval;
    return comparable(g.dimensions[field as DimensionName], SCALAR_OF.get(field));
  };
  return [...groups].sort((a, b) => {
    for (const { field, descending } of keys) {
      const c = compareValues(sortValue(a, field), sortValue(b, field));
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}

interface DatasetArgs {
  filter: Filter;
  limit: number;
  orderBy?: string[] | null;
}

function queryDataset(
  accountTag: string,
  args: DatasetArgs,
  ctx: ExecutionContext,
  info: GraphQLResolveInfo,
): Group[] {
  authorize(ctx, accountTag);
  const { settings } = ctx;
  if (!settings.enabled) throw new GraphQLError(`account ${accountTag} does not have access to the path`);

  const selection = selectionOf(info);
  const fieldCount = selection.dimensions.size + (selection.count ? 1 : 0) + selection.avg.size;
  if (fieldCount > settings.maxNumberOfFields) {
    throw new GraphQLError(`number of fields can't be more than ${settings.maxNumberOfFields}`);
  }
  const requested = [...selection.dimensions, ...(selection.count ? ['count'] : [])];
  const unavailable = requested.find((field) => !settings.availableFields.includes(field));
  if (unavailable !== undefined) throw new GraphQLError(`does not have access to the field '${unavailable}'`);

  if (!Number.isInteger(args.limit) || args.limit <= 0 || args.limit > settings.maxPageSize) {
    throw new GraphQLError(`limit must be positive number and not greater than ${settings.maxPageSize}`);
  }

  const { start, end = ctx.now.getTime() } = timeBoundsOf(args.filter);
  // Adaptive datasets need a bounded range; a filter without a start is as wide as it gets.
  if (start === undefined) {
    throw new GraphQLError(
      `query time range is too large: the filter must bound datetime from below (max ${settings.maxDuration}s)`,
    );
  }
  if (start < ctx.now.getTime() - settings.notOlderThan * 1000) {
    throw new GraphQLError(`cannot request data older than ${settings.notOlderThan}s`);
  }
  const widthSeconds = Math.ceil((end - start) / 1000);
  if (widthSeconds > settings.maxDuration) {
    throw new GraphQLError(
      `query time range is too large: ${widthSeconds}s requested, ${settings.maxDuration}s allowed`,
    );
  }

  const matching = ctx.dataset.events.filter((e) => matchesFilter(e, args.filter));
  const groups = groupEvents(matching, selection.dimensions);
  return orderGroups(groups, args.orderBy ?? []).slice(0, args.limit);
}

function accountNode(accountTag: string) {
  return {
    accountTag,
    settings: (_args: unknown, ctx: ExecutionContext) => {
      authorize(ctx, accountTag);
      return { accessLoginRequestsAdaptiveGroups: ctx.settings };
    },
    [DATASET_FIELD]: (args: DatasetArgs, ctx: ExecutionContext, info: GraphQLResolveInfo) =>
      queryDataset(accountTag, args, ctx, info),
  };
}

const ROOT_VALUE = {
  cost: 1,
  viewer: () => ({
    budget: 1_000_000,
    accounts: (args: { filter: { accountTag: string } }) => [accountNode(args.filter.accountTag)],
  }),
};

function toCloudflareError(error: GraphQLError, timestamp: string): CloudflareGraphqlError {
  return {
    message: error.message,
    path: error.path ? error.path.map(String) : null,
    extensions: { ...error.extensions, timestamp },
  };
}

export type GraphqlExecutor = (
  body: GraphqlRequestBody,
  context: { now: Date; canReadAnalytics: boolean; settings: AnalyticsSettings },
) => Promise<CloudflareGraphqlBody>;

/**
 * Executes GraphQL requests against the stand-in schema over a dataset. Like Cloudflare, any error
 * (validation, limits, authorization) comes back as `data: null` plus `errors`; success carries
 * `errors: null`.
 */
export function createGraphqlExecutor(dataset: SampleDataset): GraphqlExecutor {
  const schema: GraphQLSchema = createStandInSchema();
  // The bot sends a handful of distinct documents: parse and validate each once, so the stand-in's
  // own cost per query is execution only (the bench measures the bot, not graphql-js's parser).
  const prepared = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const prepare = (source: string): DocumentNode | readonly GraphQLError[] => {
    const known = prepared.get(source);
    if (known) return known;
    let outcome: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(source);
      const errors = validate(schema, document);
      outcome = errors.length > 0 ? errors : document;
    } catch (error) {
      outcome = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    if (prepared.size >= 256) prepared.clear();
    prepared.set(source, outcome);
    return outcome;
  };
  return async (body, context) => {
    const contextValue: ExecutionContext = { dataset, ...context };
    const document = prepare(body.query);
    const result: ExecutionResult =
      'kind' in document
        ? await execute({
            schema,
            document,
            rootValue: ROOT_VALUE,
            contextValue,
            variableValues: body.variables ?? null,
            operationName: body.operationName ?? null,
          })
        : { errors: document };
    const timestamp = context.now.toISOString();
    if (result.errors && result.errors.length > 0) {
      return { data: null, errors: result.errors.map((e) => toCloudflareError(e, timestamp)) };
    }
    return { data: result.data ?? null, errors: null };
  };
}
