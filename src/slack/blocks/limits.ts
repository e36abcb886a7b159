import type { KnownBlock } from '@slack/types';

/**
 * Block Kit ceilings Slack enforces server-side (`invalid_blocks`, `msg_blocks_too_long`) but
 * `@slack/types` only documents. Lengths are counted in UTF-16 units, which is never fewer than
 * Slack's character count.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  textObject: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  id: 255,
  messageText: 4000,
  /** Undocumented: Slack answers `msg_blocks_too_long` near 13k; stay under it. */
  cumulativeText: 12_000,
} as const;

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain_text or mrkdwn composition object. */
function isTextObject(value: unknown): value is JsonObject & { type: string; text: string } {
  return (
    isObject(value) &&
    (value.type === 'plain_text' || value.type === 'mrkdwn') &&
    typeof value.text === 'string'
  );
}

function textOf(value: unknown): string | undefined {
  return isTextObject(value) ? value.text : undefined;
}

/** Total length of every text object's `text` inside the blocks. */
export function totalBlockText(blocks: readonly KnownBlock[]): number {
  let total = 0;
  walk(blocks, 'blocks', (node) => {
    if (isTextObject(node)) total += node.text.length;
  });
  return total;
}

function walk(value: unknown, path: string, visit: (node: JsonObject, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      walk(item, `${path}[${index}]`, visit);
    });
    return;
  }
  if (!isObject(value)) return;
  visit(value, path);
  for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`, visit);
}

function checkLength(
  violations: string[],
  path: string,
  value: unknown,
  max: number,
  options: { min?: number } = {},
): void {
  if (typeof value !== 'string') return;
  if (options.min !== undefined && value.length < options.min) {
    violations.push(`${path} is empty (Slack rejects empty text)`);
  }
  if (value.length > max) violations.push(`${path} has ${value.length} characters (max ${max})`);
}

function checkCount(violations: string[], path: string, value: unknown, max: number): void {
  if (Array.isArray(value) && value.length > max) {
    violations.push(`${path} has ${value.length} items (max ${max})`);
  }
}

function checkBlock(violations: string[], block: JsonObject, path: string): void {
  const L = BLOCK_KIT_LIMITS;
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        violations.push(`${path} (section) needs text or fields`);
      }
      checkCount(violations, `${path}.fields`, block.fields, L.sectionFields);
      if (Array.isArray(block.fields)) {
        block.fields.forEach((field: unknown, index) => {
          checkLength(violations, `${path}.fields[${index}]`, textOf(field), L.sectionField);
        });
      }
      break;
    }
    case 'header': {
      if (!isObject(block.text) || block.text.type !== 'plain_text') {
        violations.push(`${path}.text (header) must be a plain_text object`);
      }
      checkLength(violations, `${path}.text`, textOf(block.text), L.headerText);
      break;
    }
    case 'context':
      checkCount(violations, `${path}.elements`, block.elements, L.contextElements);
      break;
    case 'actions':
      checkCount(violations, `${path}.elements`, block.elements, L.actionsElements);
      break;
    default:
      break;
  }
}

/**
 * Lists every Block Kit limit the message breaks, in words a test failure can show; empty when
 * Slack should accept it. Walks blocks generically, so text objects anywhere are counted.
 */
export function checkBlockKitLimits(message: { text: string; blocks: KnownBlock[] }): string[] {
  const L = BLOCK_KIT_LIMITS;
  const violations: string[] = [];

  if (message.text.trim() === '') violations.push('top-level text is empty (needed for notifications)');
  checkLength(violations, 'top-level text', message.text, L.messageText);
  checkCount(violations, 'blocks', message.blocks, L.blocksPerMessage);

  let cumulative = 0;
  message.blocks.forEach((block: unknown, index) => {
    const path = `blocks[${index}]`;
    if (!isObject(block)) {
      violations.push(`${path} is not an object`);
      return;
    }
    checkBlock(violations, block, `${path} (${String(block.type)})`);
    walk(block, path, (node, nodePath) => {
      checkLength(violations, `${nodePath}.block_id`, node.block_id, L.id);
      checkLength(violations, `${nodePath}.action_id`, node.action_id, L.id);
      if (isTextObject(node)) {
        cumulative += node.text.length;
        checkLength(violations, nodePath, node.text, L.textObject, { min: 1 });
        if (node.text.trim() === '' && node.text.length > 0) {
          violations.push(`${nodePath} is only whitespace (Slack rejects it)`);
        }
      }
      if (node.type === 'button') {
        checkLength(violations, `${nodePath}.text (button)`, textOf(node.text), L.buttonText);
        checkLength(violations, `${nodePath}.value`, node.value, L.buttonValue);
        checkLength(violations, `${nodePath}.url`, node.url, L.buttonUrl);
      }
    });
  });

  if (cumulative > L.cumulativeText) {
    violations.push(
      `blocks carry ${cumulative} characters of text in total (keep under ${L.cumulativeText})`,
    );
  }
  return violations;
}
