import type { ClauseRules } from './clauses.js';
import type { Constraint, Dimension, Domain, EmailPattern, Origin, Region } from './constraint.js';
import { type IpRange, intersectRanges } from './ip-address.js';
import { specOf } from './rule-catalogue.js';
import type { ClauseName, RequireConflict, RuleLocation } from './rule-result.js';

import type { ReplayBudget } from './rule-scope.js';
import type { PolicyContext, Rule } from './types.js';

// Can a policy's (or a rule group's) rules hold at all, for any request? Each rule that pins a
// dimension (one country, one IP, one email, one login, one token, one certificate per request)
// narrows the set of possible requests; Require rules intersect, Include rules unite. When the set
// becomes empty, no request can ever match, and blaming the request's value would give a fix that
// cannot work. The sets are over-approximations (Excludes, undescribable alternatives and unknown
// lists widen them), so "unsatisfiable" is only ever said when it is certain.

const ANY: Region = { kind: 'set', dims: {} };
const MAX_ORIGINS = 4;
const MAX_VALUES = 256;

function sameEmailPattern(a: EmailPattern, b: EmailPattern): boolean {
  return 'exact' in a ? 'exact' in b && a.exact === b.exact : 'domain' in b && a.domain === b.domain;
}

function meetEmail(a: EmailPattern, b: EmailPattern): EmailPattern | undefined {
  if ('exact' in a && 'exact' in b) return a.exact === b.exact ? a : undefined;
  if ('exact' in a && 'domain' in b) return a.exact.endsWith(`@${b.domain}`) ? a : undefined;
  if ('domain' in a && 'exact' in b) return b.exact.endsWith(`@${a.domain}`) ? b : undefined;
  if ('domain' in a && 'domain' in b) return a.domain === b.domain ? a : undefined;
  return undefined;
}

function uniqueBy<T>(items: readonly T[], same: (a: T, b: T) => boolean): T[] {
  const out: T[] = [];
  for (const item of items) if (!out.some((o) => same(o, item))) out.push(item);
  return out.slice(0, MAX_VALUES);
}

const sameRange = (a: IpRange, b: IpRange) => a.version === b.version && a.low === b.low && a.high === b.high;

/** The requests both constraints admit (same dimension); an empty set when none. */
function meet(a: Constraint, b: Constraint): Constraint {
  switch (a.dimension) {
    case 'ip': {
      const other = b.dimension === 'ip' ? b.ranges : [];
      const ranges = a.ranges.flatMap((x) => other.flatMap((y) => intersectRanges(x, y) ?? []));
      return { dimension: 'ip', ranges: uniqueBy(ranges, sameRange) };
    }
    case 'email': {
      const other = b.dimension === 'email' ? b.patterns : [];
      const patterns = a.patterns.flatMap((x) => other.flatMap((y) => meetEmail(x, y) ?? []));
      return { dimension: 'email', patterns: uniqueBy(patterns, sameEmailPattern) };
    }
    default: {
      const other = 'values' in b ? b.values : [];
      return { dimension: a.dimension, values: a.values.filter((v) => other.includes(v)) };
    }
  }
}

/** The requests either constraint admits (same dimension). */
function join(a: Constraint, b: Constraint): Constraint {
  switch (a.dimension) {
    case 'ip':
      return {
        dimension: 'ip',
        ranges: uniqueBy([...a.ranges, ...(b.dimension === 'ip' ? b.ranges : [])], sameRange),
      };
    case 'email':
      return {
        dimension: 'email',
        patterns: uniqueBy([...a.patterns, ...(b.dimension === 'email' ? b.patterns : [])], sameEmailPattern),
      };
    default:
      return {
        dimension: a.dimension,
        values: uniqueBy([...a.values, ...('values' in b ? b.values : [])], (x, y) => x === y),
      };
  }
}

function isEmpty(c: Constraint): boolean {
  if (c.dimension === 'ip') return c.ranges.length === 0;
  if (c.dimension === 'email') return c.patterns.length === 0;
  return c.values.length === 0;
}

function conflictBetween(dimension: Dimension, earlier: Domain, later: Domain): RequireConflict | undefined {
  const disjointFrom = (o: Origin, d: Domain) => isEmpty(meet(o.own, d.constraint));
  const first =
    earlier.origins.find((o) => disjointFrom(o, later)) ?? earlier.origins[earlier.origins.length - 1];
  const second = later.origins.find((o) => disjointFrom(o, earlier)) ?? later.origins[0];
  if (!first || !second) return undefined;
  return {
    dimension,
    first: { rule: first.rule, at: first.at },
    second: { rule: second.rule, at: second.at },
  };
}

function intersectRegions(a: Region, b: Region): Region {
  if (a.kind === 'empty') return a;
  if (b.kind === 'empty') return b;
  const dims: Partial<Record<Dimension, Domain>> = { ...a.dims };
  for (const [dim, domain] of Object.entries(b.dims) as [Dimension, Domain][]) {
    const mine = dims[dim];
    if (!mine) {
      dims[dim] = domain;
      continue;
    }
    const constraint = meet(mine.constraint, domain.constraint);
    const conflict = isEmpty(constraint) ? conflictBetween(dim, mine, domain) : undefined;
    if (conflict) return { kind: 'empty', conflict };
    dims[dim] = { constraint, origins: [...mine.origins, ...domain.origins].slice(-MAX_ORIGINS) };
  }
  return { kind: 'set', dims };
}

/** Any of the alternatives; only a union along one shared dimension can be written down, else any. */
function uniteRegions(alternatives: readonly Region[]): Region {
  const open = alternatives.filter((r): r is Extract<Region, { kind: 'set' }> => r.kind === 'set');
  if (open.length === 0) return alternatives[0] ?? ANY;
  const dims = open.map((r) => Object.keys(r.dims) as Dimension[]);
  const first = dims[0]?.[0];
  if (first === undefined || !dims.every((d) => d.length === 1 && d[0] === first)) return ANY;
  let domain: Domain | undefined;
  for (const r of open) {
    const d = r.dims[first];
    if (!d) return ANY;
    domain = domain
      ? {
          constraint: join(domain.constraint, d.constraint),
          origins: [...domain.origins, ...d.origins].slice(0, MAX_ORIGINS),
        }
      : d;
  }
  return domain ? { kind: 'set', dims: { [first]: domain } } : ANY;
}

/** Moves locations one group down: `clause` of the parent, then the group, then the old path. */
function nestLocation(
  at: RuleLocation,
  clause: ClauseName,
  group: { id: string; name: string },
): RuleLocation {
  return { clause, path: [{ groupId: group.id, groupName: group.name, clause: at.clause }, ...at.path] };
}

function nestRegion(region: Region, clause: ClauseName, group: { id: string; name: string }): Region {
  if (region.kind === 'empty') {
    const { conflict } = region;
    return {
      kind: 'empty',
      conflict: {
        ...conflict,
        first: { ...conflict.first, at: nestLocation(conflict.first.at, clause, group) },
        second: { ...conflict.second, at: nestLocation(conflict.second.at, clause, group) },
      },
    };
  }
  const dims: Partial<Record<Dimension, Domain>> = {};
  for (const [dim, domain] of Object.entries(region.dims) as [Dimension, Domain][]) {
    dims[dim] = {
      constraint: domain.constraint,
      origins: domain.origins.map((o) => ({ ...o, at: nestLocation(o.at, clause, group) })),
    };
  }
  return { kind: 'set', dims };
}

interface Walk {
  context: PolicyContext;
  budget: ReplayBudget;
  visiting: readonly string[];
}

function ruleRegion(rule: Rule, clause: ClauseName, walk: Walk): Region {
  if (rule.kind === 'group') {
    const group = walk.context.groups.find((g) => g.id === rule.groupId);
    // Unfetched, cyclic or too deeply nested groups could admit anything, as far as this check knows.
    if (!group || walk.visiting.includes(group.id) || walk.visiting.length >= walk.budget.maxDepth)
      return ANY;
    let region = walk.budget.regions.get(group.id);
    if (!region) {
      region = clausesRegion(group, { ...walk, visiting: [...walk.visiting, group.id] });
      walk.budget.regions.set(group.id, region);
    }
    return nestRegion(region, clause, group);
  }
  const own = specOf(rule).constraint?.(rule, walk.context);
  if (!own) return ANY;
  const domain: Domain = { constraint: own, origins: [{ rule, at: { clause, path: [] }, own }] };
  return { kind: 'set', dims: { [own.dimension]: domain } };
}

function clausesRegion(rules: ClauseRules, walk: Walk): Region {
  let region: Region = ANY;
  for (const rule of rules.require) {
    region = intersectRegions(region, ruleRegion(rule, 'require', walk));
    if (region.kind === 'empty') return region;
  }
  // An empty Include matches nobody, but that is not a conflict between two rules: leave it to the replay.
  if (rules.include.length === 0) return region;
  return intersectRegions(uniteRegions(rules.include.map((r) => ruleRegion(r, 'include', walk))), region);
}

/**
 * Two rules of a policy or rule group (nested groups included) that can never both hold, so that
 * nothing can ever match it; undefined when some request could.
 */
export function findRequireConflict(
  rules: ClauseRules,
  context: PolicyContext,
  budget: ReplayBudget,
): RequireConflict | undefined {
  const region = clausesRegion(rules, { context, budget, visiting: [] });
  return region.kind === 'empty' ? region.conflict : undefined;
}
