import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './helpers/spawn-bot.js';

/**
 * Compiles the bot as `npm run build` does, once before the suite: the tests that start the bot as a
 * process run exactly what `npm start` runs (dist/src/main.js).
 */
export default function setup(): void {
  execFileSync(
    process.execPath,
    [join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    },
  );
}
