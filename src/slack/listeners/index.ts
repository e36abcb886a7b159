import type { App } from '@slack/bolt';
import type { SlackDependencies } from '../app.js';
import { registerAccessWhyCommand } from './commands/access-why.js';

/** Every listener the app has; the manifest must declare the same surfaces. */
export function registerListeners(app: App, deps: SlackDependencies): void {
  registerAccessWhyCommand(app, deps);
}
