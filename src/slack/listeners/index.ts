import type { App } from '@slack/bolt';
import type { ListenerDependencies } from '../dependencies.js';
import { registerAskHelpdesk } from './actions/ask-helpdesk.js';
import { registerCardActions } from './actions/card-actions.js';
import { registerAccessWhyCommand } from './commands/access-why.js';
import { registerHelpdeskMessages } from './events/helpdesk-messages.js';
import { registerAppHome } from './home/app-home.js';
import { registerExplainFromHome } from './home/explain-from-home.js';
import { registerExplainShortcut } from './shortcuts/explain-message.js';

/** Every listener the app has; `test/slack/manifest.test.ts` checks the manifest declares the same surfaces. */
export function registerListeners(app: App, deps: ListenerDependencies): void {
  registerAccessWhyCommand(app, deps);
  registerExplainShortcut(app, deps);
  registerHelpdeskMessages(app, deps);
  registerCardActions(app, deps);
  registerAskHelpdesk(app, deps);
  registerAppHome(app, deps);
  registerExplainFromHome(app, deps);
}
