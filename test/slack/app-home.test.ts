import { describe, expect, it, vi } from 'vitest';
import { LookupError } from '../../src/core/errors.js';
import type { OwnFailedLogins } from '../../src/core/ports.js';
import type { ExplainReport } from '../../src/core/report.js';
import { ACTION_IDS } from '../../src/slack/blocks/render-actions.js';
import type { ListenerDependencies } from '../../src/slack/dependencies.js';
import { registerAppHome } from '../../src/slack/listeners/home/app-home.js';
import { registerExplainFromHome } from '../../src/slack/listeners/home/explain-from-home.js';
import { createRecordingApp, fakeListenerArgs } from '../helpers/recording-app.js';
import { fakeSlackDeps } from '../helpers/slack-deps.js';
import { deniedResult, notFoundResult, RAY, rayId, report } from './blocks/fixtures.js';

const SUBJECT = 'alice@example.com'; // the user of `deniedResult()`
const OTHER_RAY = rayId(201);

function homeDeps(
  options: { email?: string | undefined; staff?: boolean; logins?: OwnFailedLogins | Error } = {},
) {
  const explain = vi.fn(
    async (): Promise<ExplainReport> => report([deniedResult(), notFoundResult({}, {}, OTHER_RAY)]),
  );
  const recentFailedLogins = vi.fn(async (): Promise<OwnFailedLogins> => {
    if (options.logins instanceof Error) throw options.logins;
    return (
      options.logins ?? {
        kind: 'found',
        logins: [
          { rayId: RAY, datetime: '2025-03-14T11:58:03Z', appName: 'Grafana' },
          { rayId: OTHER_RAY, datetime: '2025-03-14T09:12:00Z', appName: 'Jira <!channel>' },
        ],
      }
    );
  });
  const checkConfiguration = vi.fn(async () => [
    { permission: 'Account Analytics Read', ok: true, detail: 'ok' },
  ]);
  const deps = fakeSlackDeps({
    explain,
    recentFailedLogins,
    checkConfiguration,
    audience: { isStaff: async () => options.staff ?? false, emailOf: async () => options.email },
  });
  return { deps, explain, recentFailedLogins, checkConfiguration };
}

async function openHome(deps: ListenerDependencies, recorder = createRecordingApp()) {
  registerAppHome(recorder.app, deps);
  const args = fakeListenerArgs();
  await recorder.handler(
    'event',
    'app_home_opened',
  )({
    ...args,
    event: { tab: 'home', user: 'U0ALICE' },
    body: { team_id: 'T0' },
  });
  return JSON.stringify(args.client.views.publish.mock.calls[0]?.[0]);
}

describe('App Home: my recent Access denials', () => {
  it('lists the viewer’s failed logins with app, time, Ray ID, a one-line cause and Explain, from one lookup', async () => {
    const { deps, explain, recentFailedLogins } = homeDeps({ email: SUBJECT });
    const view = await openHome(deps);
    expect(view).toContain('My recent Access denials');
    expect(view).toContain('Grafana');
    expect(view).toContain(RAY);
    expect(view).toContain(OTHER_RAY);
    expect(view).toContain('Country not allowed');
    expect(view).toContain('<!date^1741953483^');
    expect(view).not.toContain('<!channel>');
    expect(view.split(ACTION_IDS.explainFailedLogin).length - 1).toBe(2);
    expect(recentFailedLogins).toHaveBeenCalledWith(SUBJECT, 5, { id: 'U0ALICE', staff: false });
    expect(explain).toHaveBeenCalledTimes(1);
    expect(explain).toHaveBeenCalledWith(
      expect.objectContaining({ text: `${RAY}\n${OTHER_RAY}`, requesterEmail: SUBJECT }),
      { id: 'U0ALICE', staff: false },
    );
  });

  it('is cached per user: reopening the tab costs no Cloudflare call', async () => {
    const { deps, explain, recentFailedLogins } = homeDeps({ email: SUBJECT });
    const recorder = createRecordingApp();
    registerAppHome(recorder.app, deps);
    for (let i = 0; i < 3; i++) {
      const args = fakeListenerArgs();
      await recorder.handler(
        'event',
        'app_home_opened',
      )({
        ...args,
        event: { tab: 'home', user: 'U0ALICE' },
        body: {},
      });
      expect(JSON.stringify(args.client.views.publish.mock.calls)).toContain(RAY);
    }
    expect(recentFailedLogins).toHaveBeenCalledTimes(1);
    expect(explain).toHaveBeenCalledTimes(1);
  });

  it('says so plainly with no email, no Access user, no failed logins, or Cloudflare unreadable', async () => {
    const cases: Array<[Parameters<typeof homeDeps>[0], string]> = [
      [{ email: undefined }, 'shows the bot no email address'],
      [
        { email: SUBJECT, logins: { kind: 'no_access_user' } },
        'Cloudflare Access has no user with your Slack email',
      ],
      [{ email: SUBJECT, logins: { kind: 'found', logins: [] } }, 'No recent failed Access logins for you'],
      [
        {
          email: SUBJECT,
          logins: new LookupError('cloudflare_permission', {
            safeMessage: 'The token lacks Access: Audit Logs Read.',
          }),
        },
        'Could not read them just now: The token lacks Access: Audit Logs Read.',
      ],
    ];
    for (const [options, said] of cases) {
      const { deps, explain } = homeDeps(options);
      const view = await openHome(deps);
      expect(view).toContain(said);
      expect(view).not.toContain(ACTION_IDS.explainFailedLogin);
      expect(explain).not.toHaveBeenCalled();
    }
  });

  it('shows the configuration check to staff only, and spends no probe on anyone else', async () => {
    const user = homeDeps({ email: SUBJECT });
    expect(await openHome(user.deps)).not.toContain('Cloudflare token');
    expect(user.checkConfiguration).not.toHaveBeenCalled();
    const staff = homeDeps({ email: 'carol@example.com', staff: true });
    const view = await openHome(staff.deps);
    expect(view).toContain('Cloudflare token');
    expect(view).toContain('Account Analytics Read');
    expect(view).toContain('My recent Access denials');
    expect(staff.recentFailedLogins).toHaveBeenCalledWith('carol@example.com', 5, {
      id: 'U0ALICE',
      staff: true,
    });
  });
});

describe('App Home: Explain', () => {
  function click(deps: ListenerDependencies, value: string) {
    const recorder = createRecordingApp();
    registerExplainFromHome(recorder.app, deps);
    const args = fakeListenerArgs();
    const views = {
      ...args.client.views,
      open: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true, view: { id: 'V0MODAL' } })),
      update: vi.fn(async (_args: Record<string, unknown>) => ({ ok: true })),
    };
    const run = recorder.handler(
      'action',
      ACTION_IDS.explainFailedLogin,
    )({
      ...args,
      client: { ...args.client, views },
      action: { value },
      body: { user: { id: 'U0ALICE', team_id: 'T0' }, trigger_id: 'trigger-1', container: { type: 'view' } },
    });
    return { views, run };
  }

  it('opens a modal at once and fills it with the full card for the subject, redacted for anyone else', async () => {
    for (const [email, full] of [
      [SUBJECT, true],
      ['mallory@example.com', false],
    ] as const) {
      const { deps, explain } = homeDeps({ email });
      explain.mockResolvedValue(report([deniedResult()]));
      const { views, run } = click(
        deps,
        deps.buttons.encode(ACTION_IDS.explainFailedLogin, { r: RAY, a: '1741953483.000000' }),
      );
      await run;
      expect(views.open).toHaveBeenCalledWith(expect.objectContaining({ trigger_id: 'trigger-1' }));
      expect(views.open.mock.invocationCallOrder[0]).toBeLessThan(explain.mock.invocationCallOrder[0] ?? 0);
      expect(views.update).toHaveBeenCalledWith(expect.objectContaining({ view_id: 'V0MODAL' }));
      const shown = JSON.stringify(views.update.mock.calls[0]?.[0]);
      expect(shown.includes(SUBJECT)).toBe(full);
      expect(shown).toContain('Country not allowed');
      expect(explain).toHaveBeenCalledWith(
        expect.objectContaining({ text: RAY, anchor: new Date('2025-03-14T11:58:03Z') }),
        expect.anything(),
      );
    }
  });

  it('refuses a forged value in the modal without a lookup', async () => {
    const { deps, explain } = homeDeps({ email: SUBJECT });
    const { views, run } = click(deps, `AAAA.{"r":"${RAY}"}`);
    await run;
    expect(JSON.stringify(views.open.mock.calls)).toMatch(/not made by access-why/);
    expect(views.update).not.toHaveBeenCalled();
    expect(explain).not.toHaveBeenCalled();
  });
});
