import { context, header, section } from './compose.js';
import type { RenderedMessage } from './render-report.js';
import { EXAMPLE_RAY_ID } from './render-report.js';

/** The `/access-why help` card: what to send and where to find a Ray ID. */
export function renderHelp(): RenderedMessage {
  return {
    text:
      `Usage: /access-why ${EXAMPLE_RAY_ID} (a Ray ID from a Cloudflare Access 403 page), ` +
      '/access-why followed by the pasted 403 page, or /access-why help.',
    blocks: [
      header('access-why — why did Cloudflare Access say 403?'),
      section(
        'Give me the *Ray ID* from a Cloudflare Access block page and I will say which rule decided, ' +
          'what an admin can change, and what to tell the person who was blocked.',
      ),
      section(
        '*Examples*\n' +
          `• \`/access-why ${EXAMPLE_RAY_ID}\` — explain one Ray ID\n` +
          '• `/access-why` followed by a pasted 403 page — I find every Ray ID in it\n' +
          '• `/access-why help` — this message',
      ),
      section(
        '*Where is the Ray ID?*\n' +
          `At the bottom of the 403 page, as \`Ray ID: ${EXAMPLE_RAY_ID}\`: 16 hex digits (0–9, a–f). ` +
          'Copy the whole page if unsure; I pick the Ray IDs out.',
      ),
      context(
        'I read Cloudflare’s Access login analytics, so very recent requests (under a minute) may not be ' +
          'there yet, and old ones only as far back as Cloudflare keeps them.',
      ),
    ],
  };
}
