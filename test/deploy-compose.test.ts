import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './helpers/spawn-bot.js';

interface Service {
  build?: unknown;
  env_file?: string;
  environment?: Record<string, string>;
  stop_grace_period?: string;
  command?: string[];
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'deploy/compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('deploy/compose.yaml: two replicas on one Redis', () => {
  const bots = Object.entries(compose.services).filter(([name]) => name.startsWith('access-why'));

  it('runs two HTTP-mode replicas that read one .env (same signing secret and button key) and one Redis', () => {
    expect(bots).toHaveLength(2);
    for (const [, bot] of bots) {
      expect(bot.build).toBeDefined();
      expect(bot.env_file).toBe('../.env');
      expect(bot.environment?.SLACK_SOCKET_MODE).toBe('false');
      expect(bot.environment?.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
      expect(Number.parseInt(bot.stop_grace_period ?? '0', 10)).toBeGreaterThanOrEqual(12);
    }
    expect(compose.services.redis?.command).toEqual(expect.arrayContaining(['redis-server', '--save', '']));
  });
});
