import type { KnownBlock } from '@slack/types';
import type { PasteInfo } from '../../core/paste.js';
import type { SearchedRange } from '../../core/ports.js';
import { context, section, slackDate } from './compose.js';
import { inlineCode, truncate } from './escape.js';

// Pieces every result card (found, not found, error) is built from.

export interface RenderResultOptions {
  now: Date;
  /** What the pasted text looked like; explains a missing Access row when it was a WAF/1xxx page. */
  paste?: PasteInfo;
}

/**
 * Character budgets per part of a card. They keep one card (even with hostile 5000-character names)
 * near 8k characters, well under Slack's undocumented ~12k cumulative text ceiling, so a report can
 * always show one card and still list the rest of ten Ray IDs one line each.
 */
export const BUDGET = {
  summary: 800,
  name: 120,
  field: 300,
  why: 1800,
  whyLine: 300,
  evidenceItem: 400,
  fix: 1000,
  tell: 600,
  policies: 1500,
  policyName: 80,
  policyReason: 200,
  failedLogins: 800,
  note: 400,
  footer: 400,
  fallbackLine: 300,
} as const;

export const EMOJI = { allowed: '✅', denied: '🚫', not_found: '🔎', error: '⚠️' } as const;

/** True for a name the directory resolved: present and not blank. */
export function known(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
export function field(label: string, value: string): string {
  return truncate(`*${label}*\n${value}`, BUDGET.field);
}

export function searchedSpan(searched: SearchedRange): string {
  return `${slackDate(searched.oldest)} – ${slackDate(searched.newest)}`;
}

export function footer(rayId: string, extra?: string | undefined): KnownBlock {
  const parts = [`Ray ID ${inlineCode(rayId, 40)}`];
  if (extra !== undefined) parts.push(extra);
  return context(parts.join(' · '), { verbatim: true, max: BUDGET.footer });
}

export function titled(title: string, body: string, max: number): KnownBlock {
  return section(`*${title}*\n${truncate(body, max - title.length - 3)}`, { verbatim: true, max });
}
