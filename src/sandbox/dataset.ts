import { createSampleApps } from './sample/apps.js';
import { createSampleAuditLogs } from './sample/audit-logs.js';
import { createSampleDirectory } from './sample/directory.js';
import { createSampleEvents } from './sample/events.js';
import { SAMPLE_ACCOUNT_ID, SAMPLE_RAY } from './sample/ids.js';
import { createSampleLogs } from './sample/logs.js';
import { createSamplePastes } from './sample/pastes.js';
import { createSampleUsers } from './sample/users.js';
import type { AnalyticsSettings, SampleDataset } from './sample/wire-types.js';
import { DIMENSION_NAMES } from './schema.js';

// A bundled, invented Zero Trust account ("Northwind Labs") for the stand-in, the demo and tests.
// Every id, AUD, Ray ID, name and address here is made up; IPs come from the RFC 5737 / RFC 3849
// documentation ranges and domains from the reserved `.example` TLD. Each concern lives in its own
// file under `sample/` (wire types, ids, directory, apps, users, events, logs, pastes), so a new
// sample touches one small file.

export { SAMPLE_ACCOUNT_ID, SAMPLE_RAY } from './sample/ids.js';
export type * from './sample/wire-types.js';

const ALL_AVAILABLE_FIELDS = [...DIMENSION_NAMES, 'count'];

/** Cloudflare's observed values for this dataset on a Zero Trust account (7-day window, 90-day reach). */
export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = {
  enabled: true,
  maxDuration: 604_800,
  notOlderThan: 7_776_000,
  maxPageSize: 10_000,
  maxNumberOfFields: 30,
  availableFields: ALL_AVAILABLE_FIELDS,
};

/**
 * Builds the sample account with every event time placed relative to `now` (minutes to days ago),
 * so the data is always inside the dataset's retention whatever day the tests run.

/**
 * Builds the sample account with every event time placed relative to `now` (minutes to days ago),
 * so the data is always inside the dataset's retention whatever day the tests run.
 */
export function createSampleDataset(now: Date): SampleDataset {
  const directory = createSampleDirectory(now);
  const { apps, reusablePolicies } = createSampleApps(now);
  const auditLogs = createSampleAuditLogs(now);
  const users = createSampleUsers(now);
  const events = createSampleEvents(now);
  const logs = createSampleLogs(now, { apps, users, events, ...directory });
  return {
    accountId: SAMPLE_ACCOUNT_ID,
    accountName: 'Northwind Labs',
    teamDomain: 'northwind.cloudflareaccess.com',
    apps,
    reusablePolicies,
    ...directory,
    users,
    ...logs,
    auditLogs,
    events,
    settings: { ...DEFAULT_ANALYTICS_SETTINGS, availableFields: [...ALL_AVAILABLE_FIELDS] },
    samplePastes: createSamplePastes(),
    unknownRayIds: [SAMPLE_RAY.wafBlock],
  };
}
