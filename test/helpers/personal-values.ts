import type { SampleDataset } from '../../src/sandbox/dataset.js';

/** Every value of a sample event that identifies or locates its subject (what a redacted card must not show). */
export function personalValues(dataset: SampleDataset, rayId: string): string[] {
  const row = dataset.events.find((e) => e.cfRayId === rayId);
  if (!row) throw new Error(`no event ${rayId}`);
  const user = dataset.users.find((u) => u.id === row.userUuid);
  return [
    row.ipAddress,
    row.userUuid,
    row.deviceId,
    row.serviceTokenId,
    row.mtlsCommonName,
    row.mtlsCertSerialId,
    user?.email ?? '',
    user?.name ?? '',
  ].filter((v) => v.length >= 4);
}
