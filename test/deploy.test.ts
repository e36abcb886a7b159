import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCommand as npmStart, PROJECT_ROOT } from './helpers/spawn-bot.js';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
/** `npm start`'s command, split into words: what every supervisor must run directly. */
const startCommand = npmStart();

describe('supervisor files run what `npm start` runs, with node as the signalled process', () => {
  it('Dockerfile: CMD is the exec form of the start command (no npm, no shell)', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(cmd).toBeDefined();
    expect(JSON.parse(cmd ?? '[]')).toEqual(startCommand);
    expect(read('Dockerfile')).not.toMatch(/^(CMD|ENTRYPOINT).*npm/m);
  });

  it('systemd unit: ExecStart is the start command with an absolute node path', () => {
    const unit = read('deploy/access-why.service');
    const exec = /^ExecStart=(\S+) (.*)$/m.exec(unit);
    expect(exec?.[1]).toMatch(/^\/.*\/node$/);
    expect(['node', ...(exec?.[2]?.split(/\s+/) ?? [])]).toEqual(startCommand);
    // Long enough for SHUTDOWN_DRAIN_MS (10 s) + 2 s; config errors (exit 2) are not restarted.
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThanOrEqual(12);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
  });
});
