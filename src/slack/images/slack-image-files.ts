import { z } from 'zod';

/** Image types OCR reads; Slack names them in `mimetype` (and `filetype`). */
const IMAGE_TYPES: Readonly<Record<string, 'png' | 'jpeg' | 'webp'>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/webp': 'webp',
};

/** At most this many images of one message are read (each costs seconds of OCR). */
export const MAX_IMAGES_PER_MESSAGE = 3;

const dimension = z.coerce.number().int().positive().optional().catch(undefined);
/** The fields of a Slack file object the bot reads (message `files`, shortcut `message.files`). */
const slackFileSchema = z.looseObject({
  id: z.string().regex(/^F[A-Z0-9]{2,30}$/),
  name: z.string().max(500).optional().catch(undefined),
  mimetype: z.string().optional().catch(undefined),
  size: z.number().int().nonnegative().optional().catch(undefined),
  url_private: z
    .url({ protocol: /^https?$/ })
    .optional()
    .catch(undefined),
  original_w: dimension,
  original_h: dimension,
});

export interface SlackImageFile {
  id: string;
  /** As the poster named it: untrusted, escaped where shown. */
  name: string;
  type: 'png' | 'jpeg' | 'webp';
  /** Bytes, as Slack reports them (checked again while downloading). */
  size?: number | undefined;
  urlPrivate: string;
  width?: number | undefined;
  height?: number | undefined;
}

/** The PNG, JPEG and WebP images attached to a Slack message (its `files`), at most MAX_IMAGES_PER_MESSAGE. */
export function imageFilesOf(message: unknown): SlackImageFile[] {
  if (!message || typeof message !== 'object') return [];
  const files = (message as Record<string, unknown>).files;
  if (!Array.isArray(files)) return [];
  const images: SlackImageFile[] = [];
  for (const raw of files.slice(0, 20)) {
    const parsed = slackFileSchema.safeParse(raw);
    if (!parsed.success) continue;
    const file = parsed.data;
    const type = IMAGE_TYPES[file.mimetype?.toLowerCase() ?? ''];
    if (!type || !file.url_private) continue;
    images.push({
      id: file.id,
      name: file.name ?? file.id,
      type,
      size: file.size,
      urlPrivate: file.url_private,
      width: file.original_w,
      height: file.original_h,
    });
    if (images.length === MAX_IMAGES_PER_MESSAGE) break;
  }
  return images;
}
