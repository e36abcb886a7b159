import type { AccessApp, AccessGroup, IdentityProvider, Rule } from '../core/policy/types.js';

// Ids come from Cloudflare rows, but they end up in URL paths: refuse anything odd.
export const ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * The IdP a login row names: by id, else by type (rows may carry the type). When several IdPs share
 * the type, the user's last seen identity's IdP id picks among them; if it cannot, none is named.
 */
export function identityProviderOf(
  named: string,
  providers: readonly IdentityProvider[],
  lastSeenIdpId: string | null | undefined,
): IdentityProvider | undefined {
  if (!named || named === 'nonidentity') return undefined;
  const byId = providers.find((p) => p.id === named);
  if (byId) return byId;
  const ofType = providers.filter((p) => p.type.toLowerCase() === named.toLowerCase());
  if (ofType.length === 1) return ofType[0];
  return ofType.find((p) => p.id === lastSeenIdpId);
}

/** Gateway list ids named by the app's rules, directly or through the rule groups it uses (recursively). */
export function referencedListIds(app: AccessApp, groups: readonly AccessGroup[]): string[] {
  const lists = new Set<string>();
  const seenGroups = new Set<string>();
  const visit = (holder: {
    include: readonly Rule[];
    require: readonly Rule[];
    exclude: readonly Rule[];
  }) => {
    for (const rule of [...holder.include, ...holder.require, ...holder.exclude]) {
      if (rule.kind === 'ip_list' || rule.kind === 'email_list') lists.add(rule.listId);
      if (rule.kind === 'group' && !seenGroups.has(rule.groupId)) {
        seenGroups.add(rule.groupId);
        const group = groups.find((g) => g.id === rule.groupId);
        if (group) visit(group);
      }
    }
  };
  for (const policy of app.policies) visit(policy);
  return [...lists].filter((id) => ID.test(id));
}
