import { CREATED, DAY, ID, isoSeconds, UPDATED } from './ids.js';
import type { AccessGroup, GatewayList, IdentityProvider, PostureRule, ServiceToken } from './wire-types.js';

/** The account-wide lookups: identity providers, rule groups, service tokens, posture rules, Gateway lists. */
export function createSampleDirectory(now: Date) {
  const ago = (ms: number): Date => new Date(now.getTime() - ms);
  const nowMs = now.getTime();

  const identityProviders: IdentityProvider[] = [
    {
      id: ID.idpOkta,
      name: 'Okta (Northwind)',
      type: 'okta',
      config: {
        okta_account: 'https://northwind.okta.example',
        client_id: '0oa9x2northwind',
        claims: ['groups'],
      },
      scim_config: { enabled: true, user_deprovision: true, seat_deprovision: false },
    },
    {
      id: ID.idpGoogle,
      name: 'Google',
      type: 'google',
      config: { client_id: '71234-northwind.apps.googleusercontent.example' },
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
    {
      id: ID.idpOtp,
      name: 'One-time PIN',
      type: 'onetimepin',
      config: {},
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
    {
      id: ID.idpEntra,
      name: 'Entra ID (Sales)',
      type: 'azureAD',
      config: {
        directory_id: '7f0c1e2d-sales-tenant',
        support_groups: true,
        conditional_access_enabled: false,
      },
      scim_config: { enabled: true, user_deprovision: true, seat_deprovision: true },
    },
    {
      id: ID.idpGithub,
      name: 'GitHub',
      type: 'github',
      config: { client_id: 'Iv1.northwind0example' },
      scim_config: { enabled: false, user_deprovision: false, seat_deprovision: false },
    },
  ];

  const groups: AccessGroup[] = [
    {
      id: ID.groupSre,
      name: 'SRE on-call',
      include: [{ okta: { name: 'sre', identity_provider_id: ID.idpOkta } }],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.groupContractors,
      name: 'Approved contractors',
      include: [
        { email: { email: 'lena.vogt@contractor.example' } },
        { email: { email: 'omar.haddad@contractor.example' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      // A rule group is how Cloudflare expresses "country A OR B" inside a Require.
      id: ID.groupOfficeCountries,
      name: 'Office countries (US, DE, IE)',
      include: [
        { geo: { country_code: 'US' } },
        { geo: { country_code: 'DE' } },
        { geo: { country_code: 'IE' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.groupOffboarded,
      name: 'Offboarded staff',
      include: [
        { email: { email: 'henry.adams@northwind.example' } },
        { email: { email: 'old.intern@northwind.example' } },
      ],
      exclude: [],
      require: [],
      created_at: CREATED,
      updated_at: UPDATED,
    },
  ];

  const serviceTokens: ServiceToken[] = [
    {
      id: ID.tokenPrometheus,
      client_id: '16531d1f2f9a38c7d49d0ce5a2b41f48.access',
      name: 'prometheus-scraper',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(new Date(nowMs + 200 * DAY)),
      created_at: isoSeconds(ago(165 * DAY)),
      updated_at: isoSeconds(ago(165 * DAY)),
    },
    {
      // Expired twelve days ago; a forgotten exporter still presents it.
      id: ID.tokenLegacyExporter,
      client_id: 'e776954132bffedc554cc722aec99963.access',
      name: 'legacy-node-exporter',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(ago(12 * DAY)),
      created_at: isoSeconds(ago(377 * DAY)),
      updated_at: isoSeconds(ago(377 * DAY)),
    },
    {
      id: ID.tokenCiDeployer,
      client_id: '50a6df59e5c8e51d9d6b536b6ed78511.access',
      name: 'ci-deployer',
      duration: '8760h',
      enabled: true,
      expires_at: isoSeconds(new Date(nowMs + 300 * DAY)),
      created_at: isoSeconds(ago(65 * DAY)),
      updated_at: isoSeconds(ago(65 * DAY)),
    },
    {
      id: ID.tokenBackupAgent,
      client_id: 'ba060f7c2ca4a6997d95e69f671c5c3f.access',
      name: 'backup-agent',
      duration: '8760h',
      enabled: false,
      expires_at: isoSeconds(new Date(nowMs + 90 * DAY)),
      created_at: isoSeconds(ago(275 * DAY)),
      updated_at: isoSeconds(ago(20 * DAY)),
    },
  ];

  const postureRules: PostureRule[] = [
    {
      id: ID.postureWarp,
      name: 'WARP connected',
      type: 'warp',
      description: 'Device runs the Cloudflare One client',
      schedule: '5m',
      expiration: '',
      input: {},
      match: [{ platform: 'mac' }, { platform: 'windows' }, { platform: 'linux' }],
    },
    {
      id: ID.postureGateway,
      name: 'Gateway (Northwind team)',
      type: 'gateway',
      description: 'Traffic filtered by the Northwind Gateway',
      schedule: '5m',
      expiration: '',
      input: {},
      match: [{ platform: 'mac' }, { platform: 'windows' }, { platform: 'linux' }],
    },
    {
      id: ID.postureDisk,
      name: 'Disk encryption (macOS)',
      type: 'disk_encryption',
      description: 'FileVault must be on',
      schedule: '5m',
      expiration: '1h',
      input: { requireAll: true },
      match: [{ platform: 'mac' }],
    },
    {
      id: ID.postureOs,
      name: 'Windows 11 23H2 or later',
      type: 'os_version',
      description: '',
      schedule: '1h',
      expiration: '',
      input: { operating_system: 'windows', operator: '>=', version: '10.0.22631' },
      match: [{ platform: 'windows' }],
    },
  ];

  // Zero Trust lists; Access rules name them by id (`ip_list`, `email_list`), and Gateway policies share them.
  const gatewayLists: GatewayList[] = [
    {
      id: ID.listOfficeEgress,
      name: 'Office egress IPs',
      type: 'IP',
      description: 'Public egress addresses of the Portland and Dublin offices',
      items: [
        { value: '203.0.113.0/24', description: 'Portland HQ', created_at: CREATED },
        { value: '2001:db8:4f2a:ff00::/56', description: 'Portland HQ (IPv6)', created_at: CREATED },
        { value: '198.51.100.36', description: 'Dublin office (static line)', created_at: CREATED },
        { value: '192.0.2.224/28', created_at: UPDATED },
      ],
      created_at: CREATED,
      updated_at: UPDATED,
    },
    {
      id: ID.listContractors,
      name: 'Contractors',
      type: 'EMAIL',
      description: 'External people working for Northwind, whatever their mailbox',
      items: [
        { value: 'lena.vogt@contractor.example', description: 'Design agency', created_at: CREATED },
        { value: 'omar.haddad@contractor.example', description: 'Design agency', created_at: CREATED },
        {
          value: 'maya.torres@northwind.example',
          description: 'Interim accountant with a Northwind Okta account',
          created_at: UPDATED,
        },
      ],
      created_at: CREATED,
      updated_at: UPDATED,
    },
  ];

  return { identityProviders, groups, serviceTokens, postureRules, gatewayLists };
}
