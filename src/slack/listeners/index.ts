import type { App } from '@slack/bolt';
import type { ListenerDependencies } from '../dependencies.js';
import { registerAskHelpdesk } from './actions/ask-helpdesk.js';
import { registerCardActions } from './actions/card-actions.js';
import { registerAccessWhyCommand } from './commands/access-why.js';
import { registerHelpdeskMessages } from './events/helpdesk-messages.js';
import { registerAppHome } from './home/app-home.js';
import { registerExplainFromHome } from './home/explain-from-home.js';
import {
  createListenerRegistry,
  type ListenerRegistry,
  type MountableRegistry,
} from './listener-registry.js';
import { registerExplainShortcut } from './shortcuts/explain-message.js';

/** Every listener the app has; `test/slack/manifest.test.ts` checks the manifest declares the same surfaces. */
export function addListeners(listeners: ListenerRegistry, deps: ListenerDependencies): void {
  registerAccessWhyCommand(listeners, deps);
  registerExplainShortcut(listeners, deps);
  registerHelpdeskMessages(listeners, deps);
  registerCardActions(listeners, deps);
  registerAskHelpdesk(listeners, deps);
  registerAppHome(listeners, deps);
  registerExplainFromHome(listeners, deps);
}

/** Adds every listener to the app, behind one global middleware that dispatches by payload id. */
export function registerListeners(app: App, deps: ListenerDependencies): MountableRegistry {
  const registry = createListenerRegistry();
  addListeners(registry, deps);
  registry.mount(app);
  return registry;
}
