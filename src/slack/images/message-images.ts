import { extractRayIds } from '../../core/ray-id.js';
import { renderImageNote } from '../blocks/render-image-note.js';
import type { ListenerDependencies } from '../dependencies.js';
import { withImageRayIds } from './read-image-ray-ids.js';
import { imageFilesOf } from './slack-image-files.js';

/**
 * A message's text with the Ray IDs OCR read from its images added, and the note the card carries
 * about them. Without images (or without OCR configured) the text is unchanged and there is no note.
 */
export async function readImages(
  deps: Pick<ListenerDependencies, 'images'>,
  message: unknown,
  text: string,
): Promise<{ text: string; note?: string | undefined }> {
  const images = deps.images ? imageFilesOf(message) : [];
  if (!deps.images || images.length === 0) return { text };
  const reading = await deps.images.read(images);
  return {
    text: withImageRayIds(text, reading),
    note: renderImageNote(reading, extractRayIds(text).rayIds.length > 0),
  };
}
