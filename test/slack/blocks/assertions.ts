import type { KnownBlock } from '@slack/types';
import { expect } from 'vitest';
import { checkBlockKitLimits } from '../../../src/slack/blocks/limits.js';

/** The only `<…>` construct the renderers may emit: a date token built from a parsed Date. */
export const DATE_TOKEN =
  /<!date\^\d+\^\{[a-z_]+\}(?: \{[a-z_]+\})?\|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC>/g;

/** The message's JSON with our own date tokens removed, so any `<` left came from data. */
export function withoutDateTokens(message: { text: string; blocks: KnownBlock[] }): string {
  return JSON.stringify(message).replace(DATE_TOKEN, '');
}

/** Every string in the message, as Slack would receive it (JSON.stringify would hide controls). */
function strings(message: { text: string; blocks: KnownBlock[] }): string[] {
  const out: string[] = [];
  JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value === 'string') out.push(value);
    return value;
  });
  return out;
}

/** A control character other than newline/tab, a bidi override, or a lone surrogate. */
/** True when the text holds a UTF-16 surrogate without its pair. */
export function hasLoneSurrogate(text: string): boolean {
  return hasUnsafeCharacter(text, false);
}

function hasUnsafeCharacter(text: string, controls = true): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x09) continue;
    if (controls && (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e)))
      return true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** Inside Block Kit limits, mentions each Ray ID, has fallback text, and carries no markup or control characters from data. */
export function expectValidCard(
  message: { text: string; blocks: KnownBlock[] },
  rayIds: readonly string[],
): void {
  expect(checkBlockKitLimits(message)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
  const json = JSON.stringify(message.blocks);
  for (const ray of rayIds) expect(json).toContain(ray);
  const rest = withoutDateTokens(message);
  expect(rest).not.toContain('<');
  expect(rest).not.toContain('>');
  expect(strings(message).filter((s) => hasUnsafeCharacter(s))).toEqual([]);
}
