/** At most this much of a payload is sent to the page as text; the rest is counted, not shown. */
export const SHOWN_TEXT_BYTES = 64 * 1024;
/** At most this much is shown as hex when the payload is not text. */
export const SHOWN_HEX_BYTES = 4 * 1024;

/**
 * A dead-lettered payload as the console shows it. Whatever the bytes are (NUL, invalid UTF-8,
 * 6 MiB of garbage), the answer is plain JSON strings the page inserts as text: `text` when the
 * bytes are valid UTF-8 (control characters escaped as `\u0000`, so they cannot hide or cut what
 * follows), `hex` otherwise, both cut to a bound and `size` telling the whole.
 */
export interface PayloadView {
  size: number;
  encoding: 'utf-8' | 'binary';
  /** The shown part, escaped; null for binary payloads. */
  text: string | null;
  /** The shown part as hex pairs; null for UTF-8 payloads. */
  hex: string | null;
  /** True when only the first SHOWN_TEXT_BYTES / SHOWN_HEX_BYTES are shown. */
  truncated: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function payloadView(bytes: Buffer): PayloadView {
  const size = bytes.length;
  const head = bytes.subarray(0, SHOWN_TEXT_BYTES);
  const decoded = decodeUtf8(head, size > SHOWN_TEXT_BYTES);
  if (decoded !== null) return { size, encoding: 'utf-8', text: escapeControls(decoded), hex: null, truncated: size > SHOWN_TEXT_BYTES };
  const shown = bytes.subarray(0, SHOWN_HEX_BYTES);
  return { size, encoding: 'binary', text: null, hex: shown.toString('hex').replace(/(..)(?!$)/g, '$1 '), truncated: size > SHOWN_HEX_BYTES };
}

/** Valid UTF-8, or null. A cut payload may end inside a character: up to 3 trailing bytes are dropped then. */
function decodeUtf8(bytes: Buffer, cut: boolean): string | null {
  for (let drop = 0; drop <= (cut ? 3 : 0); drop += 1) {
    try {
      return utf8.decode(bytes.subarray(0, bytes.length - drop));
    } catch {
      // Not valid as it stands; a cut payload tries again without its last byte.
    }
  }
  return null;
}

/** C0 and C1 controls (except tab and newline), DEL and bidi overrides become `\uXXXX`. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is what this does
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
