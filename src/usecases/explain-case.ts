import type { AccessLoginEvent, ResolvedNames } from '../core/access-event.js';
import { explainLogin } from '../core/explain/explain-denial.js';
import type { AccessApp, PolicyContext } from '../core/policy/types.js';
import type { ExplainReport } from '../core/report.js';

/** Names a case file's own lookup data can give, as the REST directory would resolve them. */
function namesFrom(event: AccessLoginEvent, app: AccessApp, context: PolicyContext): ResolvedNames {
  const idp = context.identityProviders.find((p) => p.id === event.identityProvider);
  const token = context.serviceTokens.find(
    (t) => t.id === event.serviceTokenId || t.clientId === event.serviceTokenId,
  );
  const email = context.user?.email ?? context.lastSeenIdentity?.email;
  return {
    ...(app.name ? { appName: app.name } : {}),
    ...(app.domain ? { appDomain: app.domain } : {}),
    ...(email ? { userEmail: email } : {}),
    ...(idp ? { identityProviderName: idp.name } : {}),
    ...(event.serviceTokenId && token ? { serviceTokenName: token.name } : {}),
  };
}

/** Replays one event against an app and lookup data given offline (an admin's case file, a test). */
export function explainCase(event: AccessLoginEvent, app: AccessApp, context: PolicyContext): ExplainReport {
  const names = namesFrom(event, app, context);
  const { policies, ...explanation } = explainLogin(event, app, context, names);
  return {
    results: [{ rayId: event.rayId, outcome: explanation.decision, event, names, explanation, policies }],
    totalRayIds: 1,
    skippedRayIds: [],
    paste: { kind: 'plain' },
  };
}
