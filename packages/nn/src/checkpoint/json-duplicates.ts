/**
 * JSON.parse silently keeps the last of duplicate object keys; a safetensors
 * header with two tensors of the same name is malformed, so scan for them.
 * Assumes `text` is already known to be valid JSON.
 */

/** The first duplicated key and the path of the object holding it, or null. */
export function findDuplicateKey(text: string): { key: string; path: string } | null {
  const stack: { keys: Set<string> | null; expectKey: boolean; name: string }[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && top.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, path: stack.map((s) => s.name).filter(Boolean).join('.') };
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      stack.push({ keys: ch === '{' ? new Set() : null, expectKey: ch === '{', name: stack.length ? lastKey : '' });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top && top.keys) top.expectKey = true;
    }
  }
  return null;
}
