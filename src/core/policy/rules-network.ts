import { z } from 'zod';
import { cidrRange, type IpRange, ipInCidr, parseCidr } from './ip-address.js';
import type { RuleOf } from './rule-result.js';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { joinWords, namedOrId } from './rule-text.js';

// Network family: who may connect from where (Everyone, IP ranges, IP lists, countries).

function listRanges(items: readonly string[]): IpRange[] | undefined {
  const ranges = items.map(cidrRange);
  return ranges.every((r) => r !== undefined) ? ranges : undefined;
}

export const networkRules = {
  everyone: {
    family: 'network',
    category: 'context',
    evaluate: () => ({ verdict: 'match', reason: 'Everyone matches.' }),
    describe: () => 'everyone',
    wire: wireShape(z.looseObject({}).nullish(), () => ({ kind: 'everyone' })),
  },
  ip: {
    family: 'network',
    category: 'context',
    evaluate(rule, { event }) {
      const inside = ipInCidr(event.ipAddress, rule.ip);
      if (inside === undefined) {
        return {
          verdict: 'unknown',
          reason: `Cannot compare IP "${event.ipAddress}" with range "${rule.ip}".`,
          field: 'ipAddress',
          needs: parseCidr(rule.ip) ? [] : ['rule_support'],
        };
      }
      return {
        verdict: inside ? 'match' : 'no_match',
        reason: inside
          ? `IP ${event.ipAddress} is in ${rule.ip}.`
          : `The request came from ${event.ipAddress}, outside ${rule.ip}.`,
        field: 'ipAddress',
        ...(inside ? {} : { cause: 'ip_not_allowed' as const }),
      };
    },
    describe: (rule) => `an IP in ${rule.ip}`,
    value: (rule) => rule.ip,
    constraint(rule) {
      const range = cidrRange(rule.ip);
      return range ? { dimension: 'ip', ranges: [range] } : undefined;
    },
    joinMisses(misses, { event }) {
      const ranges = misses.flatMap((m) => (m.rule.kind === 'ip' ? [m.rule.ip] : []));
      return `The request came from ${event.ipAddress}, outside ${joinWords(ranges, 'and')}.`;
    },
    wire: wireShape(z.looseObject({ ip: z.string() }), (b) => ({ kind: 'ip', ip: b.ip })),
  },
  ip_list: {
    family: 'network',
    category: 'context',
    evaluate(rule, { event, context }) {
      const list = context.lists.find((l) => l.id === rule.listId);
      const label = `IP list ${namedOrId(context.lists, rule.listId, '')}`;
      if (!list?.items) {
        return {
          verdict: 'unknown',
          reason: `Checks ${label}, whose entries were not fetched.`,
          field: 'ipAddress',
          needs: ['gateway_list'],
        };
      }
      const hit = list.items.find((item) => ipInCidr(event.ipAddress, item) === true);
      const shown = list.items.slice(0, 5).join(', ') + (list.items.length > 5 ? ', …' : '');
      return {
        verdict: hit ? 'match' : 'no_match',
        reason: hit
          ? `IP ${event.ipAddress} is in ${label} (${hit}).`
          : `The request came from ${event.ipAddress}, which is not in ${label} (${shown || 'empty'}).`,
        field: 'ipAddress',
        source: 'lists',
        ...(hit ? {} : { cause: 'ip_not_allowed' as const }),
      };
    },
    describe: (rule, context) => `an IP in ${namedOrId(context.lists, rule.listId, 'list')}`,
    value: (rule) => rule.listId,
    valueName: (rule, context) => context.lists.find((l) => l.id === rule.listId)?.name,
    constraint(rule, context) {
      const items = context.lists.find((l) => l.id === rule.listId)?.items;
      const ranges = items ? listRanges(items) : undefined;
      return ranges ? { dimension: 'ip', ranges } : undefined;
    },
    wire: wireShape(z.looseObject({ id: z.string() }), (b) => ({ kind: 'ip_list', listId: b.id })),
  },
  geo: {
    family: 'network',
    category: 'context',
    evaluate(rule, { event }) {
      const country = event.country.trim().toUpperCase();
      const wanted = rule.countryCode.trim().toUpperCase();
      if (country === '') {
        return {
          verdict: 'unknown',
          reason: `Checks country ${wanted}; the row has no country.`,
          field: 'country',
        };
      }
      const ok = country === wanted;
      return {
        verdict: ok ? 'match' : 'no_match',
        reason: ok ? `The request came from ${country}.` : `The request came from ${country}, not ${wanted}.`,
        field: 'country',
        ...(ok ? {} : { cause: 'country_not_allowed' as const }),
      };
    },
    describe: (rule) => `a request from ${rule.countryCode.toUpperCase()}`,
    value: (rule) => rule.countryCode,
    constraint: (rule) => ({ dimension: 'country', values: [rule.countryCode.trim().toUpperCase()] }),
    joinMisses(misses, { event }) {
      const wanted = misses.flatMap((m) => (m.rule.kind === 'geo' ? [m.rule.countryCode.toUpperCase()] : []));
      return `The request came from ${event.country.trim().toUpperCase()}, not ${joinWords(wanted, 'or')}.`;
    },
    wire: wireShape(z.looseObject({ country_code: z.string() }), (b) => ({
      kind: 'geo',
      countryCode: b.country_code,
    })),
  },
} satisfies Pick<RuleCatalogue, 'everyone' | 'ip' | 'ip_list' | 'geo'>;

export type NetworkRule = RuleOf<keyof typeof networkRules>;
