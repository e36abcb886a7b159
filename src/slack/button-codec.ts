import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * What a button carries back: the Ray ID and where its search starts. Nothing in it decides privacy:
 * who may see what is judged by the clicker and the channel the click came from.
 */
const buttonValueSchema = z
  .object({
    /** Ray ID */
    r: z.string().regex(/^[0-9a-f]{16}$/),
    /** thread ts the card belongs to: where "Share in thread" replies */
    t: z
      .string()
      .regex(/^\d{1,12}\.\d{1,8}$/)
      .optional(),
    /** ts of the message the Ray ID came from: where the search starts */
    a: z
      .string()
      .regex(/^\d{1,12}\.\d{1,8}$/)
      .optional(),
  })
  .strict();
export type ButtonValue = z.infer<typeof buttonValueSchema>;

/** A decoded button: its value, or why it was refused (`tampered`: the signature does not match). */
export type DecodedButton =
  | { ok: true; value: ButtonValue }
  | { ok: false; reason: 'tampered' | 'malformed' };

/** Signs and checks button values; values are ≤ 2000 characters (Slack's limit for a button value). */
export interface ButtonCodec {
  encode(actionId: string, value: ButtonValue): string;
  decode(actionId: string, raw: string | undefined): DecodedButton;
}

const MAX_VALUE = 2000;
/** 128 bits of HMAC-SHA256, base64url: forging one takes 2^128 tries. */
const SIGNATURE_BYTES = 16;

/**
 * HMAC-SHA256 over the action id and the value, with a key derived from `secret` for this one purpose
 * (so the signing secret itself is never used as a MAC key for anything Slack also signs). The action
 * id is signed too, so a value cannot be moved from "Show raw event" to "Share in thread".
 */
export function createButtonCodec(secret: string): ButtonCodec {
  const key = createHmac('sha256', secret).update('access-why button values v1').digest();
  const sign = (actionId: string, payload: string) =>
    createHmac('sha256', key).update(`${actionId}\n${payload}`).digest().subarray(0, SIGNATURE_BYTES);

  return {
    encode(actionId, value) {
      const payload = JSON.stringify(value);
      return `${sign(actionId, payload).toString('base64url')}.${payload}`;
    },
    decode(actionId, raw) {
      if (raw === undefined || raw.length > MAX_VALUE) return { ok: false, reason: 'malformed' };
      const dot = raw.indexOf('.');
      if (dot <= 0) return { ok: false, reason: 'malformed' };
      const given = Buffer.from(raw.slice(0, dot), 'base64url');
      const payload = raw.slice(dot + 1);
      const expected = sign(actionId, payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'tampered' };
      try {
        const parsed = buttonValueSchema.safeParse(JSON.parse(payload));
        return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'malformed' };
      } catch {
        return { ok: false, reason: 'malformed' };
      }
    },
  };
}
