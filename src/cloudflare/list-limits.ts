/**
 * Items per page the bot asks each list endpoint for: the documented maximum where Cloudflare
 * documents one, otherwise 50. Asking above a cap is harmless (Cloudflare applies its cap and the
 * client pages on `total_count`), but asking the cap itself keeps a list to the fewest calls.
 *
 * Sources: cloudflare-typescript (Stainless-generated from the OpenAPI spec) @faaaf89, 2026-08-18 —
 * app policies `per_page` default 200, reusable policies default 100, identity providers default
 * 200, each "max 1000" (recorded in /work/shared/cloudflare/openapi-access-subset.json,
 * `x-newer-schema-notes`). The published `access_per_page` parameter of service tokens, groups,
 * users and failed logins states no maximum (api-schemas@c92b9b0f, `access-service-tokens-list-
 * service-tokens`); where a v4 list states one it is often 50 (`GET /user/tokens`: "maximum 50",
 * developers.cloudflare.com/api/resources/user/subresources/tokens/methods/list), hence 50 there.
 */
export const PER_PAGE = {
  appPolicies: 1000,
  reusablePolicies: 1000,
  identityProviders: 1000,
  groups: 50,
  serviceTokens: 50,
  postureRules: 50,
  users: 50,
  failedLogins: 50,
  gatewayListItems: 50,
  /** `access_requests`: `per_page` documented without a maximum; its older `limit` went to 1 000. */
  accessRequests: 1000,
} as const;
