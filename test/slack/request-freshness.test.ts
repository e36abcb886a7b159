import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_SKEW_SECONDS, refuseFutureTimestamp } from '../../src/slack/request-freshness.js';

function exchange(timestamp: string | undefined) {
  const req = { headers: timestamp === undefined ? {} : { 'x-slack-request-timestamp': timestamp } };
  const sent: { status?: number } = {};
  const res = {
    writeHead(status: number) {
      sent.status = status;
      return this;
    },
    end() {
      return this;
    },
  };
  return { req: req as IncomingMessage, res: res as unknown as ServerResponse, sent };
}

describe('refuseFutureTimestamp', () => {
  const nowMs = 1_700_000_000_500;
  const now = Math.floor(nowMs / 1000);

  it('refuses a timestamp more than 5 minutes ahead with 401, to the second', () => {
    const ahead = exchange(String(now + MAX_SKEW_SECONDS + 1));
    expect(refuseFutureTimestamp(ahead.req, ahead.res, nowMs)).toBe(true);
    expect(ahead.sent.status).toBe(401);
    const edge = exchange(String(now + MAX_SKEW_SECONDS));
    expect(refuseFutureTimestamp(edge.req, edge.res, nowMs)).toBe(false);
  });

  it('leaves past, current and missing timestamps to Bolt’s own check', () => {
    for (const value of [String(now - 10_000), String(now), undefined, 'not-a-number']) {
      const { req, res, sent } = exchange(value);
      expect(refuseFutureTimestamp(req, res, nowMs)).toBe(false);
      expect(sent.status).toBeUndefined();
    }
  });
});
