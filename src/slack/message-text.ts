/** Keys whose string values carry what a person sees (or copied) in a Slack message. */
const TEXT_KEYS = new Set(['text', 'fallback', 'pretext', 'title', 'value', 'url', 'footer', 'author_name']);
/** More than any real message; bounds the walk over a hostile payload. */
const MAX_CHARS = 200_000;
const MAX_DEPTH = 12;

/**
 * Everything readable in a Slack message — its `text`, its blocks (sections, fields, rich text, context)
 * and legacy attachments — as one string, so a Ray ID shown only in a block or an attachment is found.
 */
export function messageText(message: unknown): string {
  const parts: string[] = [];
  let size = 0;
  const walk = (node: unknown, depth: number): void => {
    if (size >= MAX_CHARS || depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') {
        if (TEXT_KEYS.has(key) && value !== '') {
          parts.push(value);
          size += value.length;
        }
      } else {
        walk(value, depth + 1);
      }
    }
  };
  if (message && typeof message === 'object') {
    const { text, blocks, attachments, files } = message as Record<string, unknown>;
    walk({ text }, 0);
    walk(blocks, 0);
    walk(attachments, 0);
    // File shares: a pasted snippet's preview is the only place its text appears in the event.
    walk(
      Array.isArray(files)
        ? files.map((f) =>
            f && typeof f === 'object' ? { text: (f as Record<string, unknown>).preview } : f,
          )
        : undefined,
      0,
    );
  }
  return parts.join('\n').slice(0, MAX_CHARS);
}
