/**
 * 32-bit FNV-1a over the UTF-8 bytes of a string (offset basis 0x811c9dc5, prime 0x01000193).
 * Chosen because it is tiny, has published test vectors (fnv1a32('a') = 0xe40c292c) and is
 * identical on every platform, so hashed n-gram ids saved with a model stay valid.
 */
export const FNV1A32_OFFSET = 0x811c9dc5;
const FNV1A32_PRIME = 0x01000193;

/** Hash of `text`, continuing from `seed` (pass a previous hash to hash a concatenation). */
export function fnv1a32(text: string, seed: number = FNV1A32_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    // Encode UTF-16 to UTF-8 on the fly; avoids allocating a byte buffer per token.
    if (c < 0x80) {
      h = fnvByte(h, c);
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    // Lone surrogates become U+FFFD, as TextEncoder does.
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    if (c < 0x800) {
      h = fnvByte(h, 0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      h = fnvByte(h, 0xe0 | (c >> 12));
      h = fnvByte(h, 0x80 | ((c >> 6) & 0x3f));
    } else {
      h = fnvByte(h, 0xf0 | (c >> 18));
      h = fnvByte(h, 0x80 | ((c >> 12) & 0x3f));
      h = fnvByte(h, 0x80 | ((c >> 6) & 0x3f));
    }
    h = fnvByte(h, 0x80 | (c & 0x3f));
  }
  return h;
}

/** Continues an FNV-1a hash with a single byte. */
export function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV1A32_PRIME) >>> 0;
}
