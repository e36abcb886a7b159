import { z } from 'zod';
import { type AccessLoginEvent, hasNoClientCertificate } from '../access-event.js';
import type { RuleOutcome } from './rule-result.js';
import type { RuleScope } from './rule-scope.js';
import { type RuleCatalogue, wireShape } from './rule-spec.js';
import { joinWords, namedOrId, quoted, sameText, shortId } from './rule-text.js';
import type { PolicyContext, ServiceToken } from './types.js';

// Token family: what the client presents besides an identity (client certificates, service tokens,
// linked-app OAuth tokens).

// Only `NONE` is documented; the schema says other text may be an error message (notes c), and the
// success string is unknown, so a presented serial/common name counts unless the text reads as an error.
const CERT_ERROR = /fail|error|invalid|expired|revoked|untrusted|reject|denied|mismatch|unknown ca|bad/i;

type CertState = { kind: 'none' } | { kind: 'valid' } | { kind: 'error'; status: string };

function certState(event: AccessLoginEvent): CertState {
  if (hasNoClientCertificate(event)) return { kind: 'none' };
  const status = event.mtlsStatus.trim();
  return CERT_ERROR.test(status) ? { kind: 'error', status } : { kind: 'valid' };
}

function noCertificate(state: CertState): RuleOutcome {
  return {
    verdict: 'no_match',
    reason:
      state.kind === 'error'
        ? `A client certificate was presented but not accepted (mtlsStatus "${state.status}").`
        : 'No client certificate was presented (mtlsStatus NONE, no serial, no common name).',
    field: 'mtlsStatus',
    cause: 'mtls_missing',
  };
}

function tokenLabel(token: ServiceToken | undefined, fallback: string): string {
  return token ? quoted(token.name) : fallback;
}

function findToken(context: PolicyContext, idOrClientId: string): ServiceToken | undefined {
  return context.serviceTokens.find((t) => t.id === idOrClientId || t.clientId === idOrClientId);
}

/** no_match when the token record says disabled or expired at the event time; undefined when valid. */
function invalidToken(token: ServiceToken, scope: RuleScope): RuleOutcome | undefined {
  if (token.enabled === false) {
    return {
      verdict: 'no_match',
      reason: `Service token '${token.name}' is disabled.`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
      // The vocabulary has no separate code for a revoked token; "expired" carries the same fix.
      cause: 'service_token_expired',
    };
  }
  const expires = token.expiresAt === undefined ? Number.NaN : Date.parse(token.expiresAt);
  if (!Number.isNaN(expires) && expires <= scope.eventTime.getTime()) {
    return {
      verdict: 'no_match',
      reason: `Service token '${token.name}' expired on ${token.expiresAt}, before this request (${scope.event.datetime}).`,
      field: 'serviceTokenId',
      source: 'serviceTokens',
      cause: 'service_token_expired',
    };
  }
  return undefined;
}

/** Token selectors authenticate only under Service Auth (and Bypass); elsewhere Access asks for a login. */
function wrongAction(scope: RuleScope, label: string): RuleOutcome | undefined {
  if (scope.decision !== 'allow' && scope.decision !== 'deny') return undefined;
  const action = scope.decision === 'allow' ? 'an Allow' : 'a Block';
  const sent = scope.tokenRequest
    ? ` The request did send token ${scope.event.serviceTokenId}.`
    : ' The request sent no token either.';
  return {
    verdict: 'no_match',
    reason: `${label} only works in a Service Auth policy; in ${action} policy Access asks for an identity-provider login instead.${sent}`,
    field: 'serviceTokenId',
    cause: 'service_token_wrong_action',
    wrongAction: true,
  };
}

function noTokenSent(wants: string): RuleOutcome {
  return {
    verdict: 'no_match',
    reason: `The request carried no service token (serviceTokenId empty)${wants}.`,
    field: 'serviceTokenId',
    cause: 'service_token_missing',
  };
}

export const tokenRules = {
  certificate: {
    family: 'token',
    category: 'context',
    evaluate(_rule, { event }) {
      const state = certState(event);
      if (state.kind !== 'valid') return noCertificate(state);
      return {
        verdict: 'match',
        reason: `A valid client certificate was presented (serial ${event.mtlsCertSerialId || 'n/a'}).`,
        field: 'mtlsCertSerialId',
      };
    },
    describe: () => 'a valid mTLS client certificate',
    wire: wireShape(z.looseObject({}).nullish(), () => ({ kind: 'certificate' })),
  },
  common_name: {
    family: 'token',
    category: 'context',
    evaluate(rule, { event }) {
      const state = certState(event);
      if (state.kind !== 'valid') return noCertificate(state);
      const ok = event.mtlsCommonName !== '' && sameText(event.mtlsCommonName, rule.commonName);
      return {
        verdict: ok ? 'match' : 'no_match',
        reason: ok
          ? `The certificate's common name is ${rule.commonName}.`
          : `The presented certificate's common name is ${event.mtlsCommonName || '(none)'}, not ${rule.commonName}.`,
        field: 'mtlsCommonName',
        ...(ok ? {} : { cause: 'mtls_common_name_mismatch' as const }),
      };
    },
    describe: (rule) => `a client certificate with common name ${rule.commonName}`,
    value: (rule) => rule.commonName,
    constraint: (rule) => ({ dimension: 'common_name', values: [rule.commonName.trim().toLowerCase()] }),
    joinMisses(misses, { event }) {
      if (!event.mtlsCommonName) return undefined;
      const names = misses.flatMap((m) => (m.rule.kind === 'common_name' ? [m.rule.commonName] : []));
      return `The presented certificate's common name is ${event.mtlsCommonName}, not ${joinWords(names, 'or')}.`;
    },
    wire: wireShape(z.looseObject({ common_name: z.string() }), (b) => ({
      kind: 'common_name',
      commonName: b.common_name,
    })),
  },
  service_token: {
    family: 'token',
    category: 'token',
    evaluate(rule, scope) {
      const { event, context } = scope;
      const wanted = context.serviceTokens.find((t) => t.id === rule.tokenId);
      const wantedLabel = tokenLabel(wanted, rule.tokenId);
      const misplaced = wrongAction(scope, `Service token ${wantedLabel}`);
      if (misplaced) return misplaced;
      const sent = event.serviceTokenId.trim();
      if (sent === '') return noTokenSent(`; the rule wants ${wantedLabel}`);
      const presented = findToken(context, sent);
      // The row's id may be the token UUID or its Client ID (undocumented): accept both.
      const same = sent === rule.tokenId || wanted?.clientId === sent || presented?.id === rule.tokenId;
      if (!same) {
        return {
          verdict: 'no_match',
          reason: `The request used service token ${tokenLabel(presented, sent)}; the rule accepts only ${wantedLabel}.`,
          field: 'serviceTokenId',
          source: 'serviceTokens',
          cause: 'service_token_not_authorized',
        };
      }
      const token = presented ?? wanted;
      if (!token) {
        return {
          verdict: 'unknown',
          reason: `The request used the token this rule names (${sent}), but it is not in the token list, so whether it was expired or disabled is unknown.`,
          field: 'serviceTokenId',
          needs: ['service_token'],
        };
      }
      return (
        invalidToken(token, scope) ?? {
          verdict: 'match',
          reason: `The request used service token '${token.name}', which this rule accepts.`,
          field: 'serviceTokenId',
          source: 'serviceTokens',
        }
      );
    },
    describe: (rule, context) => `service token ${namedOrId(context.serviceTokens, rule.tokenId, '')}`,
    value: (rule) => rule.tokenId,
    valueName: (rule, context) =>
      context.serviceTokens.find((t) => t.id === rule.tokenId || t.clientId === rule.tokenId)?.name,
    constraint(rule, context) {
      // One request carries one token. A rule may name it by id or by Client ID (both match the same
      // request), so compare token records, not the text of the rule.
      const token = context.serviceTokens.find((t) => t.id === rule.tokenId || t.clientId === rule.tokenId);
      return { dimension: 'service_token', values: [token?.id ?? rule.tokenId] };
    },
    wire: wireShape(z.looseObject({ token_id: z.string() }), (b) => ({
      kind: 'service_token',
      tokenId: b.token_id,
    })),
  },
  any_valid_service_token: {
    family: 'token',
    category: 'token',
    evaluate(_rule, scope) {
      const misplaced = wrongAction(scope, 'Any valid service token');
      if (misplaced) return misplaced;
      const sent = scope.event.serviceTokenId.trim();
      if (sent === '') return noTokenSent('');
      const token = findToken(scope.context, sent);
      if (!token) {
        return {
          verdict: 'unknown',
          reason: `Token ${sent} was presented but is not in the token list; its validity is unknown.`,
          field: 'serviceTokenId',
          needs: ['service_token'],
        };
      }
      return (
        invalidToken(token, scope) ?? {
          verdict: 'match',
          reason: `The request used valid service token '${token.name}'.`,
          field: 'serviceTokenId',
          source: 'serviceTokens',
        }
      );
    },
    describe: () => 'any valid service token',
    wire: wireShape(z.looseObject({}).nullish(), () => ({ kind: 'any_valid_service_token' })),
  },
  linked_app_token: {
    family: 'token',
    category: 'token',
    evaluate(rule, scope) {
      return (
        wrongAction(scope, 'A linked app token') ?? {
          verdict: 'unknown',
          reason: `Checks for an OAuth token from app ${shortId(rule.appUid)}; the login row does not record one.`,
          needs: ['linked_app_token'],
        }
      );
    },
    describe: () => 'an OAuth token from a linked app',
    value: (rule) => rule.appUid,
    wire: wireShape(z.looseObject({ app_uid: z.string() }), (b) => ({
      kind: 'linked_app_token',
      appUid: b.app_uid,
    })),
  },
} satisfies Pick<
  RuleCatalogue,
  'certificate' | 'common_name' | 'service_token' | 'any_valid_service_token' | 'linked_app_token'
>;
