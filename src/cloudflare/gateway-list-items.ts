import { z } from 'zod';

const listItemSchema = z.looseObject({ value: z.string() });
// Cloudflare's SDK types the items answer as an array of arrays (`Array<Array<{value?, created_at?}>>`,
// cloudflare-typescript zero-trust/gateway/lists/items.ts): each page entry may be a batch of items.
export const listItemEntrySchema = z.union([listItemSchema, z.array(z.unknown())]);

/** Item values of a Gateway list answer, flat; entries without a `value` are left out. */
export function listItemValues(entries: ReadonlyArray<z.infer<typeof listItemEntrySchema>>): string[] {
  return entries.flatMap((entry) =>
    Array.isArray(entry)
      ? entry.flatMap((item) => {
          const parsed = listItemSchema.safeParse(item);
          return parsed.success ? [parsed.data.value] : [];
        })
      : [entry.value],
  );
}
