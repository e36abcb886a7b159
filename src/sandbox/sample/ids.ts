// Every id, AUD and Ray ID of the sample account, and the time helpers the samples share.

export const SAMPLE_ACCOUNT_ID = '99d06897d531489eb87e82dc69372895';

export const ID = {
  idpOkta: '2e7dda9b-212d-49d1-87b6-9d8437bc1fe9',
  idpGoogle: '7830130d-32de-484f-8a7e-c95f89e91f1b',
  idpOtp: 'd3a133a3-24f3-4877-89da-c330275f0954',
  idpEntra: 'cc020f06-308d-43b5-8218-aaab47966e70',
  idpGithub: '29249c30-9db4-4c79-a2fa-0caf7e6c372e',
  groupSre: '269ab4be-22ce-4d9c-a8a5-d2b9905dec43',
  groupContractors: '3e578f40-218b-4689-b73b-5193083cc718',
  groupOfficeCountries: 'f4ac86e7-26c5-43a6-afc9-f4ffbcabf6c5',
  groupOffboarded: '49a3f349-fec1-45bf-851f-f4e35fbde6a8',
  tokenPrometheus: '5503980d-4f04-447b-9f6d-33276f91371a',
  tokenLegacyExporter: '7818dd6e-9719-445a-a0b9-e24781507c2c',
  tokenCiDeployer: '2de3dd46-e5de-4a2a-92c2-f966a4c1b8c3',
  tokenBackupAgent: '985c64fa-bafa-45d8-a40a-5359ddd6479d',
  postureWarp: 'bcbd20b2-805f-4460-b5db-eaa758ee24d6',
  postureGateway: 'd4d38f88-ffba-44be-ae77-94e3e8410f43',
  postureDisk: '3eaa2eb7-21cb-4e17-a53f-108551ca6747',
  postureOs: 'db8f0c48-6448-4b46-b2e9-3da27f0b2473',
  listOfficeEgress: '50f94795-3e7f-4329-9a08-32d7b113da98',
  listContractors: '9911ba8e-4988-4022-aa4a-e4bb887e5dfb',
  appWiki: 'c65ddea0-21bb-453d-a212-0672b0a716f9',
  appGrafana: 'fb4485c1-aca7-468d-a6e4-35956aeab902',
  appSsh: '4a349b8e-0b06-4cb1-9489-dc5ef1b3edc7',
  appSalesforce: '15de6d5e-0fa3-4b5e-9c3d-44d3566fc808',
  appIngest: '31fa1484-387b-4184-964a-1972c500a814',
  appArtifacts: 'f072c0a1-ef60-4f25-b0c2-b658c6a96fbd',
  appMetrics: 'bfb79920-2f29-4a2f-92f2-c9c1f64e6f57',
  appHr: '6bf9851e-a9fc-47ed-84f5-961a1acac219',
  appStatus: 'b51b2303-67fe-4e3a-aca7-aaa011b44433',
  appFinance: 'd690f16c-49b5-4234-a0a8-429501dd05bc',
  appPayroll: '8b1e4f0a-6c3d-4e2b-9f7a-5d0c2b1a3e94',
  policyOfficeBypass: '3c23242d-8300-4eca-b615-2c5e5d8886ad',
  policyBlockRegions: '77cb5dc1-117d-417a-addf-1515009bd485',
  policyStatusBypass: 'fc771601-50ce-420a-ad7d-202bb8d28cfc',
  policyWikiEmployees: '0cec0ba9-e069-4d82-bcc4-6b8b4ab44958',
  policyWikiContractors: '0a9fd949-9a4b-4bb1-b73d-4e6729dcd673',
  policyGrafanaSre: '02878dc7-a2b6-498c-8e92-4b706acb5e23',
  policySshBlock: '42d54c95-167a-40f4-8214-f059bf0d8117',
  policySshPlatform: '1dfdde5b-58df-49d5-ac21-172cb71aa5d2',
  policySalesforce: '27009646-a3f9-4a2c-a2e0-69219884b499',
  policyIngestFleet: 'c3f267f3-4531-4ed2-b9c8-a0d08baafceb',
  policyArtifactsRunners: '709699a2-8e3d-4cf2-813c-87e1b7d8dda8',
  policyMetricsScrapers: '2793b69f-fba8-48e5-8aae-e1c59eef1f04',
  policyHrSync: 'a7f167c2-1214-440f-ba6b-76dcd0b9420f',
  policyHrStaff: '09c62261-6719-4523-a886-fd9b9f118a6d',
  policyFinanceOffice: 'e24c273f-74a9-4d3e-8ac5-c3ac3297dfe0',
  policyPayrollStaff: '61d0b7e3-2f4a-4c8e-a5b9-0e7d3c6f1a28',
  userAlice: '4e75dd2b-032a-4bf7-adf7-7a3df48569a0',
  userBen: '5baeaf27-b77f-4992-9b9f-7ea4686af18a',
  userPriya: 'e2ef5841-570a-426c-93a7-223ccffca564',
  userHenry: '986483c2-566d-4bdf-8101-ed70fa5ebdac',
  userEmma: 'ff60eb0e-44ac-4d5e-b641-6d626789a254',
  userFrank: '9229a077-fd20-47e1-8e81-e60c8736aa6d',
  userGrace: '29e65eba-606f-4599-84ae-b2fb0d1fd49b',
  userOlivia: '303448b6-f84c-4360-9eff-bee2194c99f3',
  userMaya: '67ff849a-8526-4e31-ad25-35482f243936',
  deviceBen: '782b54d6-e9f9-4903-bb2c-bef5a5bc26ed',
  deviceFrank: '551982d8-8ceb-4d10-bd61-62c9dc54fb60',
  deviceGrace: 'c0d53743-c99b-450c-a370-2eee93e1bf13',
} as const;

export const AUD = {
  wiki: 'e45ebba9e567f383ab801ccf98ff894cfbce828f28651f6f9edcfd184cb7831b',
  grafana: '0aaa05f3c3225377b21e56c277b1540a6d4200868341b99013fb56f77b413d27',
  ssh: '9c225d7a1ec0159080535e0c3100cb738f4065985a95665ee162d56c172895cb',
  salesforce: '45850aede065952af47bc010be6a8c83e3e88d050e4fe745d58daf5149adfee2',
  ingest: '9eed3b360f46ffc51646f38cf8d19cc0f35f04fc39c9693bdbb8fcd3d73c9380',
  artifacts: 'a83b8137f4169b225f0537ca40918bc6364bcd2437175c5541d0ce24e80109b9',
  metrics: 'bc1b404cc3974767c812731c5d010afe51a38eee0c3042fd0cf1e7f3c51322c1',
  hr: 'e324b6cb4d56fe320a5bc6565577b5eb643fbcd1699a9ed30f55354836cdca98',
  status: '7e00c74d8df1a157aa100835484fe78f813b6820bbdae2b7d7cec0e5da03d195',
  finance: '3873db17b5a9d65cb3493d7040de2e9f24ddad05dfe67b98c02920717004c642',
  payroll: '5f2a9c7e1b3d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a',
} as const;

/** Ray IDs of the featured sample events, named by what they show. */
export const SAMPLE_RAY = {
  mtlsMissing: '1648fa88257bbed6',
  mtlsCommonNameMismatch: '54119e5af140b627',
  warpRequired: '2d7800caf51a5bab',
  gatewayRequired: '8aa5643e082166f5',
  countryNotAllowed: '20fc1e1e5bad9012',
  ipNotAllowed: '8e8a5398009cb261',
  /** Same cause, decided by an `ip_list` rule (the 'Office egress IPs' Gateway list). */
  ipListNotAllowed: '124c772e9467cc56',
  /** An `email_list` rule (the 'Contractors' Gateway list) in an Exclude. */
  excludedByEmailList: 'a2ee5ef7c204e55e',
  notInInclude: '27bc10c8dea9ba1e',
  blockPolicyMatched: '33c9fa46c1732038',
  serviceTokenExpired: 'c0c92ebf6ded10b1',
  serviceTokenNotAuthorized: '0ec53b2f57e833f3',
  serviceTokenMissing: '71221f8eab57bbf1',
  loginMethodMismatch: 'b210bd80a72e9b01',
  devicePostureFailed: '0e574b59434190d9',
  allowedWiki: '054c6b850d7fd523',
  allowedGrafana: '2dce941160b6fb23',
  allowedServiceToken: '627ed01cab5cfec4',
  allowedSsh: 'ed20d795e0d712f0',
  /** Only in Access's identity log (analytics has no row): found there and replayed against its app. */
  identityLogOnly: '5be1d0c0a11ce0a1',
  /** Denied, then the policy was widened: today's replay admits it, the audit log's old version explains it. */
  policyChanged: '9c0f2ee5d21a7b3e',
  /** On the WAF block page paste: not an Access event. */
  wafBlock: 'c2f67105c02e9523',
} as const;

export const CREATED = '2025-09-15T08:30:11Z';
export const UPDATED = '2026-01-20T14:02:47Z';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** How long ago the 'Payroll staff' policy was widened (its sample denial is older: 7 h ago). */
export const PAYROLL_CHANGED_AGO = HOUR;

export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
