import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createRedactingLogger } from '../../src/slack/redacting-logger.js';

function logger(level: LogLevel) {
  const lines: Array<[LogLevel, string]> = [];
  return { lines, log: createRedactingLogger(level, (l, line) => lines.push([l, line])) };
}

describe('the logger Bolt writes to', () => {
  it('honours the level, and setLevel changes it', () => {
    const { lines, log } = logger(LogLevel.WARN);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map(([level]) => level)).toEqual([LogLevel.WARN, LogLevel.ERROR]);
    log.setLevel(LogLevel.DEBUG);
    log.debug('now shown');
    expect(log.getLevel()).toBe(LogLevel.DEBUG);
    expect(lines.at(-1)?.[1]).toBe('[DEBUG] bolt-app now shown');
  });

  it('withholds payload dumps and scrubs emails, IPs and tokens from every other line', () => {
    const { lines, log } = logger(LogLevel.DEBUG);
    log.debug('http request body: {"blocks":"alice@example.com 198.51.100.7"}');
    log.debug('http request result: {"user":{"profile":{"email":"alice@example.com"}}}');
    log.debug('{"type":"block_actions","user":{"id":"U1"}}');
    log.debug('ack() call begins (body: {"text":"x"})');
    log.warn('failed for alice@example.com from 198.51.100.7 and 2001:db8::7 with xoxb-123-abc at 12:30');
    log.error(new TypeError('Bearer xoxb-should-not-show'));
    const text = lines.map(([, line]) => line).join('\n');
    expect(text).not.toMatch(/alice@example\.com|198\.51\.100\.7|2001:db8::7|xoxb-/);
    expect(text).toContain('http request body: [withheld');
    expect(text).toContain('[payload withheld');
    expect(text).toContain('failed for [email] from [ip] and [ip] with [token] at 12:30');
    expect(text).toContain('[ERROR] bolt-app TypeError');
  });
});
