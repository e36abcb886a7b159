import { payrollStaff, payrollStaffBefore } from './apps.js';
import { HOUR, ID, isoSeconds, PAYROLL_CHANGED_AGO, SAMPLE_ACCOUNT_ID } from './ids.js';
import type { AuditLogEntry } from './wire-types.js';

const ADMIN = { id: 'c41d7e2a9b0f4a6e8d3c5b7a9e1f0d2c', email: 'dana.ops@northwind.example' } as const;

/**
 * The account audit log: an unrelated DNS change, then dana.ops widening 'Payroll staff' from
 * Dublin to Dublin and the US after the US denial, with the policy's old and new bodies. The
 * entry's `resource.type` and `action.type` vocabulary for Access is not documented; the bot
 * matches entries on `resource.id` only.
 */
export function createSampleAuditLogs(now: Date): AuditLogEntry[] {
  const ago = (ms: number) => isoSeconds(new Date(now.getTime() - ms));
  const entry = (
    id: string,
    when: string,
    fields: Pick<AuditLogEntry, 'action' | 'resource'> & Partial<AuditLogEntry>,
  ): AuditLogEntry => ({
    id,
    actor: { ...ADMIN, ip: '198.51.100.9', type: 'user' },
    interface: 'UI',
    metadata: {},
    newValue: '',
    oldValue: '',
    owner: { id: SAMPLE_ACCOUNT_ID },
    when,
    ...fields,
  });
  const before = payrollStaffBefore(now);
  const after = payrollStaff(now);
  return [
    entry('0b7c9e41-5a2d-4f8e-9c1b-3d6e8f0a2b4c', ago(3 * HOUR), {
      action: { type: 'rec_add', result: true },
      resource: { id: '2f8e6d4c1a3b5e7f9d0c2b4a6e8f1d3c', type: 'DNS_record' },
      newValueJson: { name: 'docs.northwind.example', type: 'CNAME', content: 'pages.northwind.example' },
    }),
    entry('6e2d8f0b-1c3a-4b5d-8e7f-9a0c2d4e6f81', ago(PAYROLL_CHANGED_AGO), {
      action: { type: 'update', result: true },
      resource: { id: ID.policyPayrollStaff, type: 'access_policy' },
      oldValueJson: { ...before },
      newValueJson: { ...after },
    }),
  ];
}
