import { AUD, SAMPLE_RAY } from './ids.js';
import type { SamplePaste } from './wire-types.js';

const FORBIDDEN =
  "Forbidden. You don't have permission to view this. Please contact your system administrator.";

/** Pastes as helpdesk users send them: block pages, headers, chat messages. */
export function createSamplePastes(): SamplePaste[] {
  return [
    {
      title: 'Access 403 page (HTML source) from the telemetry ingest',
      text: [
        '<!doctype html><html><head><meta charset="utf-8"><title>Error – Cloudflare Access</title></head>',
        `<body><div class="error"><h1>${FORBIDDEN}</h1>`,
        '<p>Status code: 403</p>',
        `<p>App AUD: ${AUD.ingest}</p>`,
        '<p>MTLS Status: NONE</p>',
        `<p>Ray ID: ${SAMPLE_RAY.mtlsMissing}</p></div></body></html>`,
      ].join('\n'),
    },
    {
      title: 'Access 403 JSON body from curl against the Metrics API',
      text: [
        '$ curl -s https://metrics.northwind.example/api/v1/query?query=up',
        JSON.stringify({
          message: FORBIDDEN,
          status_code: 403,
          aud: AUD.metrics,
          ray_id: SAMPLE_RAY.serviceTokenMissing,
        }),
      ].join('\n'),
    },
    {
      title: 'Response headers with cf-ray from Grafana',
      text: [
        "grafana keeps giving me 403, here's what curl -I says:",
        '```',
        'HTTP/2 403',
        'date: Tue, 10 Mar 2026 09:14:02 GMT',
        'content-type: text/html',
        'server: cloudflare',
        `cf-ray: ${SAMPLE_RAY.warpRequired}-SJC`,
        '```',
      ].join('\n'),
    },
    {
      title: 'Two Ray IDs in one helpdesk message',
      text: `Both of these failed for me today: the bastion (Ray ID ${SAMPLE_RAY.ipNotAllowed}) and then Salesforce, ray ${SAMPLE_RAY.loginMethodMismatch}-FRA. What am I missing?`,
    },
    {
      title: 'WAF "Sorry, you have been blocked" page (not Access)',
      text: [
        '<h1 data-translate="block_headline">Sorry, you have been blocked</h1>',
        '<h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> shop.northwind.example</h2>',
        '<p>This website is using a security service to protect itself from online attacks.</p>',
        `<span class="cf-footer-item">Cloudflare Ray ID: <strong>${SAMPLE_RAY.wafBlock}</strong></span>`,
        '<span class="cf-footer-item"><span>Your IP</span>: 192.0.2.201</span>',
      ].join('\n'),
    },
    {
      title: 'Helpdesk message from someone working from home',
      text: `finance reports just says Forbidden when I work from home, it was fine in the office yesterday. Ray ID: ${SAMPLE_RAY.ipListNotAllowed}`,
    },
    {
      title: 'A bare Ray ID',
      text: SAMPLE_RAY.countryNotAllowed,
    },
    {
      title: 'Helpdesk message with a channel-wide mention',
      text: `<!channel> is anyone else locked out of the wiki? It says Forbidden. Ray ID: ${SAMPLE_RAY.notInInclude}`,
    },
    {
      title: 'Plain-text copy of an Access 403 page (service token expired)',
      text: [
        'Error – Cloudflare Access',
        FORBIDDEN,
        'Status code: 403',
        `App AUD: ${AUD.metrics}`,
        'MTLS Status: NONE',
        `Ray ID: ${SAMPLE_RAY.serviceTokenExpired}`,
      ].join('\n'),
    },
  ];
}
