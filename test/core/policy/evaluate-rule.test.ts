import { describe, expect, it } from 'vitest';
import type { AccessLoginEvent } from '../../../src/core/access-event.js';
import type { CauseCode } from '../../../src/core/explanation.js';
import { evaluateClauses, evaluateRule } from '../../../src/core/policy/evaluate-rule.js';
import { ipInCidr, parseCidr, parseIp } from '../../../src/core/policy/ip-address.js';
import type { Verdict } from '../../../src/core/policy/rule-result.js';
import { createRuleScope } from '../../../src/core/policy/rule-scope.js';
import {
  type NeedCode,
  type PolicyContext,
  type PolicyDecision,
  RULE_KINDS,
  type Rule,
} from '../../../src/core/policy/types.js';
import {
  asUser,
  beforeSignIn,
  directory,
  GROUP,
  IDP,
  LIST,
  POSTURE,
  r,
  signedIn,
  TOKEN,
  tokenRequest,
} from '../../fixtures/policy/directory.js';

interface Row {
  name: string;
  rule: Rule;
  event: AccessLoginEvent;
  context: PolicyContext;
  decision?: PolicyDecision;
  verdict: Verdict;
  cause?: CauseCode;
  needs?: NeedCode[];
  field?: keyof AccessLoginEvent;
}

const cert = { mtlsStatus: 'SUCCESS', mtlsCommonName: 'builder-7.corp.example', mtlsCertSerialId: '0A1B2C' };
const withGroups = (groups: { id?: string; name?: string; email?: string }[]) =>
  asUser('sam@corp.example', {
    lastSeenIdentity: { userUuid: signedIn().userUuid, devicePosture: {}, groups },
  });
const seenPosture = (success: boolean, deviceId = 'dev-1') =>
  directory({
    lastSeenIdentity: {
      deviceId,
      devicePosture: {
        [POSTURE.firewall.id]: { success, ruleName: 'Firewall enabled', timestamp: '2026-11-20T09:00:00Z' },
      },
    },
  });
const onWarp = { hasWarpEnabled: true, deviceId: 'dev-1' };

const rows: Row[] = [
  // everyone: always matches (it has no failing or unknown form)
  { name: 'everyone', rule: r.everyone(), event: beforeSignIn(), context: directory(), verdict: 'match' },

  // ip
  {
    name: 'ip inside v4 range',
    rule: r.ip('198.51.100.0/24'),
    event: signedIn(),
    context: directory(),
    verdict: 'match',
    field: 'ipAddress',
  },
  {
    name: 'ip outside range',
    rule: r.ip('203.0.113.0/24'),
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'ip_not_allowed',
    field: 'ipAddress',
  },
  {
    name: 'ip v6 range',
    rule: r.ip('2001:db8::/32'),
    event: signedIn({ ipAddress: '2001:db8:0:1::7' }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'ip v4-mapped v6 against v4 range',
    rule: r.ip('198.51.100.0/24'),
    event: signedIn({ ipAddress: '::ffff:198.51.100.9' }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'ip bare host',
    rule: r.ip('198.51.100.40'),
    event: signedIn(),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'ip unreadable range',
    rule: r.ip('not-a-range'),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['rule_support'],
  },

  // ip_list
  {
    name: 'ip_list hit',
    rule: { kind: 'ip_list', listId: LIST.labIps.id },
    event: signedIn({ ipAddress: '192.0.2.9' }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'ip_list v6 hit',
    rule: { kind: 'ip_list', listId: LIST.labIps.id },
    event: signedIn({ ipAddress: '2001:db8:1:2::1' }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'ip_list miss',
    rule: { kind: 'ip_list', listId: LIST.labIps.id },
    event: signedIn({ ipAddress: '192.0.2.200' }),
    context: directory(),
    verdict: 'no_match',
    cause: 'ip_not_allowed',
  },
  {
    name: 'ip_list not fetched',
    rule: { kind: 'ip_list', listId: 'missing' },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['gateway_list'],
  },

  // geo
  {
    name: 'geo same',
    rule: r.geo('se'),
    event: signedIn(),
    context: directory(),
    verdict: 'match',
    field: 'country',
  },
  {
    name: 'geo other',
    rule: r.geo('NO'),
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'country_not_allowed',
    field: 'country',
  },
  {
    name: 'geo no country',
    rule: r.geo('SE'),
    event: signedIn({ country: '' }),
    context: directory(),
    verdict: 'unknown',
  },

  // certificate (never unknown: the row always says whether one was presented)
  {
    name: 'certificate presented',
    rule: r.certificate(),
    event: beforeSignIn(cert),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'certificate absent',
    rule: r.certificate(),
    event: beforeSignIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'mtls_missing',
    field: 'mtlsStatus',
  },
  {
    name: 'certificate error text',
    rule: r.certificate(),
    event: beforeSignIn({ ...cert, mtlsStatus: 'certificate has expired' }),
    context: directory(),
    verdict: 'no_match',
    cause: 'mtls_missing',
  },
  {
    name: 'certificate with an undocumented success text',
    rule: r.certificate(),
    event: beforeSignIn({ ...cert, mtlsStatus: 'PRESENTED' }),
    context: directory(),
    verdict: 'match',
  },

  // common_name
  {
    name: 'common_name equal (case-insensitive)',
    rule: { kind: 'common_name', commonName: 'Builder-7.corp.example' },
    event: beforeSignIn(cert),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'common_name other',
    rule: { kind: 'common_name', commonName: 'builder-8.corp.example' },
    event: beforeSignIn(cert),
    context: directory(),
    verdict: 'no_match',
    cause: 'mtls_common_name_mismatch',
    field: 'mtlsCommonName',
  },
  {
    name: 'common_name no certificate',
    rule: { kind: 'common_name', commonName: 'builder-8.corp.example' },
    event: beforeSignIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'mtls_missing',
  },

  // service_token (Service Auth)
  {
    name: 'service_token by uuid',
    rule: r.token(TOKEN.deployBot.id),
    event: tokenRequest(TOKEN.deployBot.id),
    context: directory(),
    decision: 'non_identity',
    verdict: 'match',
    field: 'serviceTokenId',
  },
  {
    name: 'service_token by client id',
    rule: r.token(TOKEN.deployBot.id),
    event: tokenRequest(TOKEN.deployBot.clientId),
    context: directory(),
    decision: 'non_identity',
    verdict: 'match',
  },
  {
    name: 'service_token none sent',
    rule: r.token(TOKEN.deployBot.id),
    event: beforeSignIn(),
    context: directory(),
    decision: 'non_identity',
    verdict: 'no_match',
    cause: 'service_token_missing',
  },
  {
    name: 'service_token other token',
    rule: r.token(TOKEN.deployBot.id),
    event: tokenRequest(TOKEN.backupJob.id),
    context: directory(),
    decision: 'non_identity',
    verdict: 'no_match',
    cause: 'service_token_not_authorized',
  },
  {
    name: 'service_token expired',
    rule: r.token(TOKEN.oldCron.id),
    event: tokenRequest(TOKEN.oldCron.id),
    context: directory(),
    decision: 'non_identity',
    verdict: 'no_match',
    cause: 'service_token_expired',
  },
  {
    name: 'service_token disabled',
    rule: r.token(TOKEN.revoked.id),
    event: tokenRequest(TOKEN.revoked.id),
    context: directory(),
    decision: 'non_identity',
    verdict: 'no_match',
    cause: 'service_token_expired',
  },
  {
    name: 'service_token not in the token list',
    rule: r.token('unlisted'),
    event: tokenRequest('unlisted'),
    context: directory(),
    decision: 'non_identity',
    verdict: 'unknown',
    needs: ['service_token'],
  },
  {
    name: 'service_token inside an Allow policy',
    rule: r.token(TOKEN.deployBot.id),
    event: tokenRequest(TOKEN.deployBot.id),
    context: directory(),
    decision: 'allow',
    verdict: 'no_match',
    cause: 'service_token_wrong_action',
  },

  // any_valid_service_token
  {
    name: 'any token valid',
    rule: { kind: 'any_valid_service_token' },
    event: tokenRequest(TOKEN.backupJob.id),
    context: directory(),
    decision: 'non_identity',
    verdict: 'match',
  },
  {
    name: 'any token none sent',
    rule: { kind: 'any_valid_service_token' },
    event: beforeSignIn(),
    context: directory(),
    decision: 'bypass',
    verdict: 'no_match',
    cause: 'service_token_missing',
  },
  {
    name: 'any token expired',
    rule: { kind: 'any_valid_service_token' },
    event: tokenRequest(TOKEN.oldCron.clientId),
    context: directory(),
    decision: 'non_identity',
    verdict: 'no_match',
    cause: 'service_token_expired',
  },
  {
    name: 'any token unlisted',
    rule: { kind: 'any_valid_service_token' },
    event: tokenRequest('unlisted'),
    context: directory(),
    decision: 'non_identity',
    verdict: 'unknown',
    needs: ['service_token'],
  },
  {
    name: 'any token inside a Block policy',
    rule: { kind: 'any_valid_service_token' },
    event: tokenRequest(TOKEN.backupJob.id),
    context: directory(),
    decision: 'deny',
    verdict: 'no_match',
    cause: 'service_token_wrong_action',
  },

  // linked_app_token
  {
    name: 'linked_app_token (no row dimension)',
    rule: { kind: 'linked_app_token', appUid: 'saas-1' },
    event: beforeSignIn(),
    context: directory(),
    decision: 'non_identity',
    verdict: 'unknown',
    needs: ['linked_app_token'],
  },
  {
    name: 'linked_app_token inside an Allow policy',
    rule: { kind: 'linked_app_token', appUid: 'saas-1' },
    event: beforeSignIn(),
    context: directory(),
    decision: 'allow',
    verdict: 'no_match',
    cause: 'service_token_wrong_action',
  },

  // email / email_domain / email_list
  {
    name: 'email same',
    rule: r.email('Sam@corp.example'),
    event: signedIn(),
    context: asUser('sam@corp.example'),
    verdict: 'match',
  },
  {
    name: 'email other',
    rule: r.email('lee@corp.example'),
    event: signedIn(),
    context: asUser('sam@corp.example'),
    verdict: 'no_match',
    cause: 'not_in_include',
  },
  {
    name: 'email unknown user',
    rule: r.email('lee@corp.example'),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    cause: 'needs_user_identity',
    needs: ['user_email'],
  },
  {
    name: 'email from another user is ignored',
    rule: r.email('lee@corp.example'),
    event: signedIn(),
    context: directory({ user: { id: 'someone-else', email: 'lee@corp.example' } }),
    verdict: 'unknown',
    needs: ['user_email'],
  },
  {
    name: 'email from the last-seen identity',
    rule: r.email('lee@corp.example'),
    event: signedIn(),
    context: directory({
      lastSeenIdentity: { userUuid: signedIn().userUuid, email: 'lee@corp.example', devicePosture: {} },
    }),
    verdict: 'match',
  },
  {
    name: 'email_domain same (with @)',
    rule: r.domain('@corp.example'),
    event: signedIn(),
    context: asUser('sam@corp.example'),
    verdict: 'match',
  },
  {
    name: 'email_domain lookalike',
    rule: r.domain('corp.example'),
    event: signedIn(),
    context: asUser('sam@evilcorp.example'),
    verdict: 'no_match',
    cause: 'not_in_include',
  },
  {
    name: 'email_domain unknown user',
    rule: r.domain('corp.example'),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['user_email'],
  },
  {
    name: 'email_list member (case-insensitive)',
    rule: { kind: 'email_list', listId: LIST.oncall.id },
    event: signedIn(),
    context: asUser('ops2@corp.example'),
    verdict: 'match',
  },
  {
    name: 'email_list not a member',
    rule: { kind: 'email_list', listId: LIST.oncall.id },
    event: signedIn(),
    context: asUser('sam@corp.example'),
    verdict: 'no_match',
    cause: 'not_in_include',
  },
  {
    name: 'email_list unknown user',
    rule: { kind: 'email_list', listId: LIST.oncall.id },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['user_email'],
  },
  {
    name: 'email_list entries not fetched',
    rule: { kind: 'email_list', listId: LIST.unfetched.id },
    event: signedIn(),
    context: asUser('sam@corp.example'),
    verdict: 'unknown',
    needs: ['gateway_list'],
  },

  // group
  {
    name: 'group include matches',
    rule: r.group(GROUP.nordics.id),
    event: signedIn(),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'group include misses (inner cause)',
    rule: r.group(GROUP.nordics.id),
    event: signedIn({ country: 'DK' }),
    context: directory(),
    verdict: 'no_match',
    cause: 'country_not_allowed',
    field: 'country',
  },
  {
    name: 'group exclude hits',
    rule: r.group(GROUP.staffNotContractors.id),
    event: signedIn(),
    context: asUser('temp@corp.example'),
    verdict: 'no_match',
    // The group's own Exclude: for the policy using the group it is a failed rule, not a policy Exclude.
    cause: 'excluded_by_group',
  },
  {
    name: 'group undecided inside',
    rule: r.group(GROUP.staffNotContractors.id),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['user_email'],
  },
  {
    name: 'group not fetched',
    rule: r.group('missing'),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['access_group'],
  },
  {
    name: 'group cycle',
    rule: r.group(GROUP.loopA.id),
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['rule_support'],
  },

  // login_method
  {
    name: 'login_method same IdP (row has the type)',
    rule: { kind: 'login_method', idpId: IDP.okta.id },
    event: signedIn(),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'login_method same IdP (row has the id)',
    rule: { kind: 'login_method', idpId: IDP.okta.id },
    event: signedIn({ identityProvider: IDP.okta.id }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'login_method other IdP',
    rule: { kind: 'login_method', idpId: IDP.okta.id },
    event: signedIn({ identityProvider: 'google' }),
    context: directory(),
    verdict: 'no_match',
    cause: 'login_method_mismatch',
    field: 'identityProvider',
  },
  {
    name: 'login_method ambiguous type',
    rule: { kind: 'login_method', idpId: IDP.okta.id },
    event: signedIn(),
    context: directory({
      identityProviders: [IDP.okta, { ...IDP.okta, id: 'okta-2', name: 'Okta (partners)' }],
    }),
    verdict: 'unknown',
    needs: ['identity_provider'],
  },
  {
    name: 'login_method before sign-in',
    rule: { kind: 'login_method', idpId: IDP.okta.id },
    event: beforeSignIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['login_identity'],
  },

  // auth_method
  {
    name: 'auth_method amr known',
    rule: { kind: 'auth_method', authMethod: 'hwk' },
    event: signedIn(),
    context: directory({
      lastSeenIdentity: { userUuid: signedIn().userUuid, devicePosture: {}, amr: ['pwd', 'hwk'] },
    }),
    verdict: 'match',
  },
  {
    name: 'auth_method amr lacks it',
    rule: { kind: 'auth_method', authMethod: 'mfa' },
    event: signedIn(),
    context: directory({ lastSeenIdentity: { devicePosture: {}, amr: ['pwd'] } }),
    verdict: 'no_match',
    cause: 'mfa_requirement_not_met',
  },
  {
    name: 'auth_method IdP cannot report amr',
    rule: { kind: 'auth_method', authMethod: 'mfa' },
    event: signedIn({ identityProvider: 'onetimepin' }),
    context: directory(),
    verdict: 'no_match',
    cause: 'mfa_requirement_not_met',
  },
  {
    name: 'auth_method amr not in the row',
    rule: { kind: 'auth_method', authMethod: 'mfa' },
    event: signedIn({ identityProvider: 'azureAD' }),
    context: directory(),
    verdict: 'unknown',
    cause: 'auth_method_unknown',
    needs: ['amr'],
  },

  // IdP-bound selectors
  {
    name: 'azureAD other IdP',
    rule: { kind: 'azureAD', groupId: 'g-1', idpId: IDP.entra.id },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'azureAD no group data',
    rule: { kind: 'azureAD', groupId: 'g-1', idpId: IDP.entra.id },
    event: signedIn({ identityProvider: 'azureAD' }),
    context: directory(),
    verdict: 'unknown',
    cause: 'needs_idp_group_data',
    needs: ['idp_groups'],
  },
  {
    name: 'okta group listed',
    rule: { kind: 'okta', name: 'SRE', idpId: IDP.okta.id },
    event: signedIn(),
    context: withGroups([{ name: 'sre' }]),
    verdict: 'match',
  },
  {
    name: 'okta group not listed',
    rule: { kind: 'okta', name: 'SRE', idpId: IDP.okta.id },
    event: signedIn(),
    context: withGroups([{ name: 'Sales' }]),
    verdict: 'no_match',
    cause: 'not_in_include',
  },
  {
    name: 'okta group unknown',
    rule: { kind: 'okta', name: 'SRE', idpId: IDP.okta.id },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['idp_groups'],
  },
  {
    name: 'okta group before sign-in',
    rule: { kind: 'okta', name: 'SRE', idpId: IDP.okta.id },
    event: beforeSignIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['idp_groups'],
  },
  {
    name: 'gsuite other IdP',
    rule: { kind: 'gsuite', email: 'eng@corp.example', idpId: IDP.workspace.id },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'gsuite group listed',
    rule: { kind: 'gsuite', email: 'eng@corp.example', idpId: IDP.workspace.id },
    event: signedIn({ identityProvider: 'google-apps' }),
    context: withGroups([{ email: 'eng@corp.example' }]),
    verdict: 'match',
  },
  {
    name: 'github org without idp id, other IdP type',
    rule: { kind: 'github-organization', name: 'corp' },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'github team unknown',
    rule: { kind: 'github-organization', name: 'corp', team: 'infra', idpId: IDP.github.id },
    event: signedIn({ identityProvider: 'github' }),
    context: directory(),
    verdict: 'unknown',
    needs: ['idp_groups'],
  },
  {
    name: 'saml attribute unknown',
    rule: { kind: 'saml', attributeName: 'dept', attributeValue: 'eng', idpId: IDP.saml.id },
    event: signedIn({ identityProvider: 'saml' }),
    context: directory(),
    verdict: 'unknown',
    needs: ['saml_attributes'],
  },
  {
    name: 'saml other IdP',
    rule: { kind: 'saml', attributeName: 'dept', attributeValue: 'eng', idpId: IDP.saml.id },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'oidc claim unknown',
    rule: { kind: 'oidc', claimName: 'role', claimValue: 'admin', idpId: IDP.oidc.id },
    event: signedIn({ identityProvider: 'oidc' }),
    context: directory(),
    verdict: 'unknown',
    needs: ['oidc_claims'],
  },
  {
    name: 'oidc other IdP',
    rule: { kind: 'oidc', claimName: 'role', claimValue: 'admin', idpId: IDP.oidc.id },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'auth_context unknown',
    rule: { kind: 'auth_context', id: 'ac', acId: 'c1', idpId: IDP.entra.id },
    event: signedIn({ identityProvider: 'azureAD' }),
    context: directory(),
    verdict: 'unknown',
    needs: ['auth_context'],
  },
  {
    name: 'auth_context other IdP',
    rule: { kind: 'auth_context', id: 'ac', acId: 'c1', idpId: IDP.entra.id },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },
  {
    name: 'cloudflare_account_member via Cloudflare login',
    rule: { kind: 'cloudflare_account_member', accountId: 'acc-1' },
    event: signedIn({ identityProvider: 'cloudflare' }),
    context: directory(),
    verdict: 'unknown',
    needs: ['cloudflare_account_membership'],
  },
  {
    name: 'cloudflare_account_member other IdP',
    rule: { kind: 'cloudflare_account_member' },
    event: signedIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'idp_group_wrong_idp',
  },

  // device_posture
  {
    name: 'posture warp on',
    rule: r.posture(POSTURE.warp.id),
    event: beforeSignIn(onWarp),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'posture warp off',
    rule: r.posture(POSTURE.warp.id),
    event: beforeSignIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'warp_required',
    field: 'hasWarpEnabled',
  },
  {
    name: 'posture gateway on',
    rule: r.posture(POSTURE.gateway.id),
    event: beforeSignIn({ ...onWarp, hasGatewayEnabled: true }),
    context: directory(),
    verdict: 'match',
  },
  {
    name: 'posture gateway off',
    rule: r.posture(POSTURE.gateway.id),
    event: beforeSignIn(onWarp),
    context: directory(),
    verdict: 'no_match',
    cause: 'gateway_required',
    field: 'hasGatewayEnabled',
  },
  {
    name: 'posture check passed (last seen)',
    rule: r.posture(POSTURE.firewall.id),
    event: beforeSignIn(onWarp),
    context: seenPosture(true),
    verdict: 'match',
  },
  {
    name: 'posture check failed (last seen)',
    rule: r.posture(POSTURE.firewall.id),
    event: beforeSignIn(onWarp),
    context: seenPosture(false),
    verdict: 'no_match',
    cause: 'device_posture_failed',
  },
  {
    name: 'posture result of another device',
    rule: r.posture(POSTURE.firewall.id),
    event: beforeSignIn(onWarp),
    context: seenPosture(false, 'dev-2'),
    verdict: 'unknown',
    cause: 'device_posture_unknown',
    needs: ['device_posture_results'],
  },
  {
    name: 'posture result unknown',
    rule: r.posture(POSTURE.firewall.id),
    event: beforeSignIn(onWarp),
    context: directory(),
    verdict: 'unknown',
    cause: 'device_posture_unknown',
    needs: ['device_posture_results'],
  },
  {
    name: 'posture rule not fetched',
    rule: r.posture('unknown-rule'),
    event: beforeSignIn(onWarp),
    context: directory(),
    verdict: 'unknown',
    needs: ['device_posture_results', 'posture_rule'],
  },
  {
    name: 'posture check without WARP',
    rule: r.posture(POSTURE.firewall.id),
    event: beforeSignIn(),
    context: directory(),
    verdict: 'no_match',
    cause: 'warp_required',
  },

  // selectors no row can decide
  {
    name: 'external_evaluation',
    rule: { kind: 'external_evaluation', evaluateUrl: 'https://eval.corp.example/check' },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    cause: 'external_evaluation_unknown',
    needs: ['external_evaluation_result'],
  },
  {
    name: 'user_risk_score',
    rule: { kind: 'user_risk_score', levels: ['low'] },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['user_risk_score'],
  },
  {
    name: 'unreadable selector',
    rule: { kind: 'unknown', key: 'future_selector', raw: { future_selector: {} } },
    event: signedIn(),
    context: directory(),
    verdict: 'unknown',
    needs: ['rule_support'],
  },
];

describe('evaluateRule', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const x = evaluateRule(row.rule, row.event, row.context, row.decision ?? 'allow');
    expect(x.verdict).toBe(row.verdict);
    if (row.cause) expect(x.cause).toBe(row.cause);
    if (row.verdict === 'match') expect(x.cause).toBeUndefined();
    if (row.needs) expect(x.needs).toEqual(row.needs);
    if (row.verdict !== 'unknown') expect(x.needs).toEqual([]);
    if (row.field) expect(x.field).toBe(row.field);
    expect(x.reason.length).toBeGreaterThan(10);
  });

  it('covers every selector kind', () => {
    expect(new Set(rows.map((row) => row.rule.kind))).toEqual(new Set(RULE_KINDS));
  });

  it('names the user from the lookup when no sign-in happened', () => {
    const x = evaluateRule(
      r.domain('corp.example'),
      beforeSignIn(),
      directory({ user: { email: 'sam@corp.example' } }),
    );
    expect(x.verdict).toBe('match');
    expect(x.reason).toMatch(/had not signed in/);
  });
});

describe('evaluateClauses (include = any, require = all, exclude = none, three-valued)', () => {
  const scope = createRuleScope(signedIn(), directory(), 'allow');
  const unknownRule = r.domain('corp.example'); // no user email in this scope
  const cases: [string, Parameters<typeof evaluateClauses>[0], Verdict][] = [
    ['any include matches', { include: [r.geo('NO'), r.geo('SE')], require: [], exclude: [] }, 'match'],
    ['no include matches', { include: [r.geo('NO'), r.geo('DK')], require: [], exclude: [] }, 'no_match'],
    ['an empty include matches nobody', { include: [], require: [], exclude: [] }, 'no_match'],
    ['include undecided', { include: [r.geo('NO'), unknownRule], require: [], exclude: [] }, 'unknown'],
    [
      'a match beats an undecided include',
      { include: [unknownRule, r.geo('SE')], require: [], exclude: [] },
      'match',
    ],
    [
      'one failing require fails',
      { include: [r.everyone()], require: [r.geo('SE'), r.geo('NO')], exclude: [] },
      'no_match',
    ],
    [
      'a failing require beats an undecided include',
      { include: [unknownRule], require: [r.geo('NO')], exclude: [] },
      'no_match',
    ],
    ['require undecided', { include: [r.everyone()], require: [unknownRule], exclude: [] }, 'unknown'],
    ['an exclude hit', { include: [r.everyone()], require: [], exclude: [r.geo('SE')] }, 'no_match'],
    ['exclude undecided', { include: [r.everyone()], require: [], exclude: [unknownRule] }, 'unknown'],
    ['exclude misses', { include: [r.everyone()], require: [], exclude: [r.geo('NO')] }, 'match'],
  ];
  it.each(cases)('%s', (_name, rules, verdict) => {
    expect(evaluateClauses(rules, scope).verdict).toBe(verdict);
  });
});

describe('IP helpers', () => {
  it.each([
    ['192.0.2.1', '192.0.2.0/24', true],
    ['192.0.2.1', '192.0.2.0/32', false],
    ['192.0.2.1', '0.0.0.0/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db8::1', '192.0.2.0/24', false],
    ['::ffff:192.0.2.1', '192.0.2.0/24', true],
    ['fe80::1%eth0', 'fe80::/10', true],
    ['2001:db8::1', '2001:db9::/32', false],
  ] as const)('%s in %s → %s', (ip, cidr, expected) => {
    expect(ipInCidr(ip, cidr)).toBe(expected);
  });

  it.each(['256.0.0.1', '1.2.3', '1::2::3', '12345::', 'a.b.c.d', '1.2.3.4/33', ''])('rejects %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('parses the compressed forms', () => {
    expect(parseIp('::')?.value).toBe(0n);
    expect(parseIp('::1')?.value).toBe(1n);
    expect(parseIp('1::')?.value).toBe(1n << 112n);
  });
});
