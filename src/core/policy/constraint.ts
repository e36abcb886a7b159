import type { IpRange } from './ip-address.js';

/** An email rule's set: one address, or every address ending in `@domain`. */
export type EmailPattern = { exact: string } | { domain: string };

/**
 * The requests a rule admits, along the one dimension it pins, when that set can be written down.
 * A request has one country, one source IP, one email, one login, one service token and one client
 * certificate, so two rules pinning one dimension to disjoint sets can never both hold.
 */
export type Constraint =
  | { dimension: 'country'; values: string[] }
  | { dimension: 'ip'; ranges: IpRange[] }
  | { dimension: 'email'; patterns: EmailPattern[] }
  | { dimension: 'login_method'; values: string[] }
  | { dimension: 'service_token'; values: string[] }
  | { dimension: 'common_name'; values: string[] };

export type Dimension = Constraint['dimension'];
