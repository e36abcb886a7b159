/**
 * Renders the screenshot fixtures for the OCR tests: real-looking 403 pages (an Access block page,
 * Access's JSON answer in a browser, a WAF block page, a phone-sized crop, a dark-mode one) and one
 * image that is not a screenshot, with the Ray IDs each should yield. The PNG/JPEG/WebP files and
 * `expected.json` are committed, so tests and CI need neither this script nor a browser.
 *
 *   node --import tsx scripts/make-screenshots.ts   # writes test/fixtures/screenshots/
 *
 * Drawn with @napi-rs/canvas (a dev dependency) in DejaVu Sans, which Debian ships.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { SAMPLE_RAY } from '../src/sandbox/dataset.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'screenshots');

interface Fixture {
  file: string;
  /** What a person would call it. */
  description: string;
  /** Ray IDs OCR must find (empty: the image has none). */
  rayIds: string[];
  draw(): Canvas;
}

const SANS = 'DejaVu Sans';
const MONO = 'DejaVu Sans Mono';

function page(width: number, height: number, background: string) {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}

function text(
  ctx: SKRSContext2D,
  value: string,
  x: number,
  y: number,
  size: number,
  color: string,
  font = SANS,
  weight = '',
) {
  ctx.font = `${weight} ${size}px "${font}"`.trim();
  ctx.fillStyle = color;
  ctx.fillText(value, x, y);
}

/** A browser's chrome: tab strip and address bar, so the shot looks like one. */
function browserChrome(ctx: SKRSContext2D, width: number, url: string, dark = false) {
  ctx.fillStyle = dark ? '#202124' : '#dee1e6';
  ctx.fillRect(0, 0, width, 78);
  ctx.fillStyle = dark ? '#35363a' : '#ffffff';
  ctx.fillRect(12, 8, 240, 30);
  text(ctx, 'Forbidden', 24, 29, 14, dark ? '#e8eaed' : '#202124');
  ctx.fillStyle = dark ? '#35363a' : '#f1f3f4';
  ctx.beginPath();
  ctx.roundRect(80, 44, width - 160, 28, 14);
  ctx.fill();
  text(ctx, url, 100, 63, 14, dark ? '#bdc1c6' : '#5f6368');
}

const fixtures: Fixture[] = [
  {
    file: 'access-block.png',
    description: 'Cloudflare Access block page in a desktop browser',
    rayIds: [SAMPLE_RAY.notInInclude],
    draw() {
      const { canvas, ctx } = page(1100, 680, '#f7f7f8');
      browserChrome(ctx, 1100, 'wiki.northwind.example/cdn-cgi/access/login');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(250, 150, 600, 380);
      ctx.fillStyle = '#f38020';
      ctx.fillRect(250, 150, 600, 6);
      text(ctx, 'Forbidden', 290, 230, 36, '#1d1f20', SANS, 'bold');
      text(ctx, "You don't have permission to view this page.", 290, 285, 20, '#36393a');
      text(ctx, 'Please contact your system administrator', 290, 320, 20, '#36393a');
      text(ctx, 'if you believe this is an error.', 290, 350, 20, '#36393a');
      text(ctx, `Ray ID: ${SAMPLE_RAY.notInInclude}`, 290, 430, 20, '#36393a');
      text(ctx, 'Secured by Cloudflare Access', 290, 490, 15, '#8b8e90');
      return canvas;
    },
  },
  {
    file: 'access-json.png',
    description: "Access's JSON 403 shown in a browser's raw view",
    rayIds: [SAMPLE_RAY.serviceTokenMissing],
    draw() {
      const { canvas, ctx } = page(1000, 420, '#ffffff');
      browserChrome(ctx, 1000, 'api.northwind.example/v1/reports');
      const lines = [
        '{',
        '  "status": 403,',
        '  "error": "Forbidden",',
        '  "message": "You do not have access to this application.",',
        `  "ray_id": "${SAMPLE_RAY.serviceTokenMissing}"`,
        '}',
      ];
      lines.forEach((line, i) => {
        text(ctx, line, 30, 130 + i * 34, 20, '#1f1f1f', MONO);
      });
      return canvas;
    },
  },
  {
    file: 'waf-block.png',
    description: 'Cloudflare WAF "Sorry, you have been blocked" page',
    rayIds: [SAMPLE_RAY.wafBlock],
    draw() {
      const { canvas, ctx } = page(1200, 720, '#ffffff');
      browserChrome(ctx, 1200, 'shop.northwind.example/checkout');
      text(ctx, 'Sorry, you have been blocked', 120, 190, 40, '#404040', SANS, 'bold');
      text(ctx, 'You are unable to access northwind.example', 120, 240, 24, '#595959');
      ctx.fillStyle = '#f2f2f2';
      ctx.fillRect(120, 290, 960, 200);
      text(ctx, 'Why have I been blocked?', 150, 340, 22, '#404040', SANS, 'bold');
      text(
        ctx,
        'This website is using a security service to protect itself from online',
        150,
        380,
        18,
        '#404040',
      );
      text(
        ctx,
        'attacks. The action you just performed triggered the security solution.',
        150,
        410,
        18,
        '#404040',
      );
      ctx.fillStyle = '#dddddd';
      ctx.fillRect(120, 600, 960, 1);
      text(
        ctx,
        `Cloudflare Ray ID: ${SAMPLE_RAY.wafBlock}  •  Your IP: Click to reveal  •  Performance & security by Cloudflare`,
        120,
        640,
        16,
        '#404040',
      );
      return canvas;
    },
  },
  {
    file: 'phone-crop.jpg',
    description: 'Access block page on a phone, cropped, as JPEG',
    rayIds: [SAMPLE_RAY.ipNotAllowed],
    draw() {
      const { canvas, ctx } = page(585, 900, '#f7f7f8');
      ctx.fillStyle = '#000000';
      ctx.fillRect(0, 0, 585, 44);
      text(ctx, '9:41', 30, 30, 18, '#ffffff', SANS, 'bold');
      ctx.fillStyle = '#ededed';
      ctx.fillRect(0, 44, 585, 60);
      text(ctx, 'bastion.northwind.example', 120, 82, 18, '#333333');
      text(ctx, 'Forbidden', 40, 220, 44, '#1d1f20', SANS, 'bold');
      text(ctx, "You don't have permission", 40, 290, 26, '#36393a');
      text(ctx, 'to view this page.', 40, 326, 26, '#36393a');
      text(ctx, 'Ray ID:', 40, 430, 26, '#36393a');
      text(ctx, SAMPLE_RAY.ipNotAllowed, 40, 470, 26, '#36393a');
      text(ctx, 'Secured by Cloudflare Access', 40, 560, 20, '#8b8e90');
      return canvas;
    },
  },
  {
    file: 'dark-mode.webp',
    description: 'Access block page in dark mode, as WebP',
    rayIds: [SAMPLE_RAY.countryNotAllowed],
    draw() {
      const { canvas, ctx } = page(1100, 640, '#1b1b1d');
      browserChrome(ctx, 1100, 'grafana.northwind.example', true);
      ctx.fillStyle = '#26272b';
      ctx.fillRect(250, 150, 600, 360);
      text(ctx, 'Forbidden', 290, 230, 36, '#f2f2f2', SANS, 'bold');
      text(ctx, "You don't have permission to view this page.", 290, 285, 20, '#d0d0d0');
      text(ctx, 'Please contact your system administrator.', 290, 320, 20, '#d0d0d0');
      text(ctx, `Ray ID: ${SAMPLE_RAY.countryNotAllowed}`, 290, 410, 20, '#d0d0d0');
      text(ctx, 'Secured by Cloudflare Access', 290, 470, 15, '#9a9a9a');
      return canvas;
    },
  },
  {
    file: 'not-a-screenshot.png',
    description: 'A picture with no text (a sunset), not a screenshot',
    rayIds: [],
    draw() {
      const { canvas, ctx } = page(640, 420, '#000000');
      const sky = ctx.createLinearGradient(0, 0, 0, 420);
      sky.addColorStop(0, '#2b3a67');
      sky.addColorStop(0.6, '#f19c79');
      sky.addColorStop(1, '#a44a3f');
      ctx.fillStyle = sky;
      ctx.fillRect(0, 0, 640, 420);
      ctx.fillStyle = '#ffd166';
      ctx.beginPath();
      ctx.arc(320, 300, 70, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#3d2c2e';
      ctx.fillRect(0, 330, 640, 90);
      return canvas;
    },
  },
];

function encode(canvas: Canvas, file: string): Buffer {
  if (file.endsWith('.jpg')) return canvas.encodeSync('jpeg', 85);
  if (file.endsWith('.webp')) return canvas.encodeSync('webp', 90);
  return canvas.encodeSync('png');
}

mkdirSync(OUT, { recursive: true });
const expected: Record<string, { description: string; rayIds: string[] }> = {};
for (const fixture of fixtures) {
  const bytes = encode(fixture.draw(), fixture.file);
  writeFileSync(join(OUT, fixture.file), bytes);
  expected[fixture.file] = { description: fixture.description, rayIds: fixture.rayIds };
  console.log(`${fixture.file}: ${bytes.length} bytes`);
}
writeFileSync(join(OUT, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
