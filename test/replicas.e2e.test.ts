import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from '../src/redis-connection.js';
import { type CloudflareStandIn, startCloudflareStandIn } from '../src/sandbox/cloudflare-stand-in.js';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';
import { type FakeSlack, startFakeSlack } from '../src/sandbox/fake-slack.js';
import { type Harness, startHarness } from './helpers/bot-harness.js';
import {
  freePort,
  REDIS_SERVER_INSTALLED,
  type RedisServer,
  startRedisServer,
} from './helpers/redis-server.js';
import { postEvent, signedHeaders, slashCommandBody } from './helpers/slack-request.js';

const suite = REDIS_SERVER_INSTALLED ? describe : describe.skip;
const title = (name: string) =>
  REDIS_SERVER_INSTALLED ? name : `${name} — SKIPPED: redis-server is not installed`;

const SECRET = 'replica-signing-secret';
const TOKEN = 'replica-cf-token';
const HELPDESK = 'C0HELPDESK';
let server: RedisServer;
let sequence = 0;

/** Two bot replicas in HTTP mode behind one (imaginary) load balancer: one fake Slack, one stand-in, one Redis. */
interface Deployment {
  slack: FakeSlack;
  standIn: CloudflareStandIn;
  replicas: [Harness, Harness];
  stop(): Promise<void>;
}

async function deploy(env: Record<string, string> = {}): Promise<Deployment> {
  const slack = await startFakeSlack();
  const standIn = await startCloudflareStandIn({ token: TOKEN });
  const start = () =>
    startHarness({
      signingSecret: SECRET,
      cloudflareToken: TOKEN,
      shared: { slack, standIn },
      env: {
        REDIS_URL: server.url,
        LOG_LEVEL: 'info',
        HELPDESK_USER_IDS: 'U0ALICE',
        HELPDESK_CHANNEL_IDS: HELPDESK,
        ...env,
      },
    });
  const replicas: [Harness, Harness] = [await start(), await start()];
  return {
    slack,
    standIn,
    replicas,
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await standIn.close();
      await slack.close();
    },
  };
}

/** Sends a signed slash command to `replica`; resolves with the body posted to its response_url. */
async function ask(d: Deployment, replica: 0 | 1, text: string) {
  const id = `replica-${++sequence}`;
  const body = slashCommandBody(text, d.slack.responseUrl(id));
  const response = await fetch(d.replicas[replica].url, {
    method: 'POST',
    headers: signedHeaders(SECRET, body),
    body,
  });
  expect(response.status).toBe(200);
  const answer = await d.slack.waitFor((r) => r.path === `/response/${id}`, 15_000);
  return answer.rawBody;
}

const graphqlRequests = (d: Deployment) =>
  d.standIn.requests.filter((r) => r.path.endsWith('/graphql')).length;
const settle = (ms = 500) => new Promise((resolve) => setTimeout(resolve, ms));
const unknownRay = (i: number) => `0000cafe${i.toString(16).padStart(8, '0')}`;

beforeAll(async () => {
  if (REDIS_SERVER_INSTALLED) server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

suite(title('two replicas on one Redis: exactly once towards Slack'), () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  });
  afterAll(() => d?.stop());

  it('a Slack retry of a helpdesk message that lands on the other replica gets no second reply', async () => {
    const ts = `${Math.floor(Date.now() / 1000)}.000${++sequence}`;
    const event = {
      type: 'message',
      channel: HELPDESK,
      channel_type: 'channel',
      user: 'U0BOB',
      text: `Forbidden. Ray ID: ${SAMPLE_RAY.notInInclude}`,
      ts,
    };
    expect((await postEvent(d.replicas[0].url, SECRET, event, { eventId: 'EvReplica1' })).status).toBe(200);
    await d.slack.waitFor((r) => r.path === '/api/chat.update', 15_000);
    const retry = await postEvent(d.replicas[1].url, SECRET, event, { eventId: 'EvReplica1', retryNum: 1 });
    expect(retry.status).toBe(200);
    await settle();
    const threadPosts = d.slack.requests.filter(
      (r) => r.path === '/api/chat.postMessage' && r.rawBody.includes(ts),
    );
    expect(threadPosts).toHaveLength(1);
  });

  it('an exact replay of a signed command sent to the other replica is acked and not answered again', async () => {
    const id = `replay-${++sequence}`;
    const body = slashCommandBody(SAMPLE_RAY.ipNotAllowed, d.slack.responseUrl(id));
    const headers = signedHeaders(SECRET, body);
    expect((await fetch(d.replicas[0].url, { method: 'POST', headers, body })).status).toBe(200);
    await d.slack.waitFor((r) => r.path === `/response/${id}`, 15_000);
    expect((await fetch(d.replicas[1].url, { method: 'POST', headers, body })).status).toBe(200);
    await settle();
    expect(d.slack.requests.filter((r) => r.path === `/response/${id}`)).toHaveLength(1);
  });

  it('a Ray ID one replica found is answered by the other without another GraphQL query', async () => {
    await ask(d, 0, SAMPLE_RAY.countryNotAllowed);
    const before = graphqlRequests(d);
    expect(await ask(d, 1, SAMPLE_RAY.countryNotAllowed)).toContain(SAMPLE_RAY.countryNotAllowed);
    expect(graphqlRequests(d)).toBe(before);
  });

  it('two replicas asked for one unseen Ray ID at the same moment send one row query between them', async () => {
    const rowQueries = () =>
      d.standIn.requests.filter(
        (r) => r.operationName?.startsWith('AccessLoginBy') || r.operationName === 'AccessLoginsByRayIds',
      ).length;
    const before = rowQueries();
    const [x, y] = await Promise.all([ask(d, 0, SAMPLE_RAY.mtlsMissing), ask(d, 1, SAMPLE_RAY.mtlsMissing)]);
    expect(x).toContain(SAMPLE_RAY.mtlsMissing);
    expect(y).toContain(SAMPLE_RAY.mtlsMissing);
    expect(rowQueries() - before).toBe(1);
  });

  it('Redis killed mid-burst and restarted: every command still gets its answer, the outage is logged once per replica, and sharing resumes', async () => {
    const rays = Object.values(SAMPLE_RAY);
    const burst: Promise<string>[] = [];
    for (let i = 0; i < 24; i++) {
      if (i === 8) await server.kill();
      if (i === 16) await server.restart();
      burst.push(ask(d, (i % 2) as 0 | 1, rays[i % rays.length] ?? SAMPLE_RAY.notInInclude));
      await settle(30);
    }
    const answers = await Promise.all(burst);
    expect(answers).toHaveLength(24);
    for (const answer of answers) expect(answer).toMatch(/"blocks"/);
    for (const replica of d.replicas) {
      const outages = replica.logs.filter((l) => l.includes('redis unavailable'));
      expect(outages.length).toBeLessThanOrEqual(1);
    }
    expect(d.replicas.some((r) => r.logs.some((l) => l.includes('redis unavailable')))).toBe(true);
    // Both replicas use Redis again: a replay to the other one is not answered twice.
    // ioredis reconnects within its 2 s cap.
    await settle(2_500);
    const id = `after-${++sequence}`;
    const body = slashCommandBody(SAMPLE_RAY.warpRequired, d.slack.responseUrl(id));
    const headers = signedHeaders(SECRET, body);
    await fetch(d.replicas[1].url, { method: 'POST', headers, body });
    await d.slack.waitFor((r) => r.path === `/response/${id}`, 15_000);
    await fetch(d.replicas[0].url, { method: 'POST', headers, body });
    await settle();
    expect(d.slack.requests.filter((r) => r.path === `/response/${id}`)).toHaveLength(1);
  });
});

suite(title('two replicas on one Redis: one Cloudflare budget'), () => {
  const BUDGET = 24;
  let d: Deployment;
  beforeAll(async () => {
    // The other deployment spent from the same keys: start this one from an empty Redis.
    const redis = createRedisConnection(server.url, () => undefined);
    await redis.ready(5_000);
    await redis.call('FLUSHALL');
    redis.close();
    d = await deploy({ CLOUDFLARE_GRAPHQL_BUDGET: String(BUDGET) });
  });
  afterAll(() => d?.stop());

  it('a burst split across both replicas sends no more GraphQL queries than one budget, and every command is answered', async () => {
    const answers: string[] = [];
    // Waves of two (one per replica) so batching cannot fold the burst into a few queries.
    for (let i = 0; i < 16; i += 2) {
      answers.push(...(await Promise.all([ask(d, 0, unknownRay(i)), ask(d, 1, unknownRay(i + 1))])));
    }
    expect(answers).toHaveLength(16);
    expect(answers.some((a) => /No Access login/.test(a))).toBe(true);
    // The budget was reached (so the count below means something) and held across both replicas.
    expect(answers.some((a) => /budget|ask again in/i.test(a))).toBe(true);
    expect(graphqlRequests(d)).toBeLessThanOrEqual(BUDGET);
  });
});

describe('a replica whose Redis is not there at all', () => {
  it('starts, answers every command on local state, and logs the outage once, not per request', async () => {
    const slack = await startFakeSlack();
    const standIn = await startCloudflareStandIn({ token: TOKEN });
    const h = await startHarness({
      signingSecret: SECRET,
      cloudflareToken: TOKEN,
      shared: { slack, standIn },
      env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, LOG_LEVEL: 'info' },
    });
    try {
      const d: Deployment = { slack, standIn, replicas: [h, h], stop: async () => undefined };
      const answers = await Promise.all(
        [SAMPLE_RAY.notInInclude, SAMPLE_RAY.ipNotAllowed, SAMPLE_RAY.notInInclude, unknownRay(900)].map(
          (ray) => ask(d, 0, ray),
        ),
      );
      expect(answers[0]).toMatch(/Not in any Include rule/);
      expect(answers[3]).toMatch(/No Access login/);
      // A replay is still dropped, by this replica's own memory.
      const id = `dead-${++sequence}`;
      const body = slashCommandBody(SAMPLE_RAY.warpRequired, slack.responseUrl(id));
      const headers = signedHeaders(SECRET, body);
      await fetch(h.url, { method: 'POST', headers, body });
      await slack.waitFor((r) => r.path === `/response/${id}`, 15_000);
      await fetch(h.url, { method: 'POST', headers, body });
      await settle();
      expect(slack.requests.filter((r) => r.path === `/response/${id}`)).toHaveLength(1);
      expect(h.logs.filter((l) => l.includes('redis unavailable'))).toHaveLength(1);
      expect(h.logs.join('\n')).not.toContain('redis://');
    } finally {
      await h.stop();
      await standIn.close();
      await slack.close();
    }
  });
});
