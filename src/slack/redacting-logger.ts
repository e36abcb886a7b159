import { type Logger, LogLevel } from '@slack/bolt';

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/**
 * Debug lines of Bolt and its WebClient that dump whole payloads: the incoming body (message text,
 * user ids), Web API request bodies (cards with emails and IPs), Web API results (`users.info` carries
 * the email), and acks with their body. Their first words stay, so the line still says what happened.
 */
const PAYLOAD_DUMPS = [
  'http request body:',
  'http request result:',
  'http request headers:',
  'ack() call begins',
  'Error details:',
  'AWS event:',
];

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** An IPv6 address with at least three groups (so times like 12:30 stay). */
const IPV6 = /\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/gi;
const TOKEN = /\bx(?:ox[abposr]|app)-[\w-]+/g;

function scrub(text: string): string {
  // A dumped JSON body (Bolt logs the incoming body as bare JSON) is withheld whole.
  if (/^\s*[[{]/.test(text)) return '[payload withheld: it may carry personal data]';
  for (const prefix of PAYLOAD_DUMPS)
    if (text.startsWith(prefix)) return `${prefix} [withheld: it may carry personal data]`;
  return text.replace(TOKEN, '[token]').replace(EMAIL, '[email]').replace(IPV4, '[ip]').replace(IPV6, '[ip]');
}

function render(part: unknown): string {
  if (typeof part === 'string') return part;
  // Errors by name only: HTTP client errors quote the request they failed on.
  if (part instanceof Error) return part.name;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return '[unprintable]';
  }
}

/**
 * The logger Bolt, its HTTP receiver and its WebClient write to: it honours `LOG_LEVEL`, and no line
 * it writes carries a payload, an email, an IP address or a token, at any level — Bolt's debug output
 * dumps all of them. Lines go to `write` with their level, as one string.
 */
export function createRedactingLogger(
  level: LogLevel,
  write: (level: LogLevel, line: string) => void,
): Logger {
  let current = level;
  let name = 'bolt-app';
  const at =
    (lineLevel: LogLevel) =>
    (...parts: unknown[]) => {
      if (RANK[lineLevel] < RANK[current]) return;
      write(lineLevel, `[${lineLevel.toUpperCase()}] ${name} ${scrub(parts.map(render).join(' '))}`);
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    setLevel(next) {
      current = next;
    },
    getLevel: () => current,
    setName(next) {
      name = next;
    },
  };
}
