/** What kind of page a pasted text looks like; placeholder until the extractor lands. */
export type PasteKind = 'access_block_page' | 'waf_block_page' | 'cloudflare_error_page' | 'plain';

export interface PasteInfo {
  kind: PasteKind;
}
