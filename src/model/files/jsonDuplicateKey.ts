// The first repeated key of any object in JSON text (JSON.parse silently keeps the last one):
// safetensorsReader.ts refuses a header that has one. A hand-written scanner over the text,
// since the parsed object no longer shows the repeat.

/**
 * The first repeated key of any object in valid JSON text, with the chain of keys above it, or null.
 * Keys are compared after unescaping ("a\"b" and "a\u0022b" are the same key). Meant for text that
 * JSON.parse has accepted; on other text it may answer wrongly or throw, but it never hangs.
 */
export function findDuplicateKey(text: string): { path: string[]; key: string } | null {
  const stack: { keys: Set<string> | null; name: string }[] = []; // keys is null for arrays
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // '"': find the closing quote, stepping over escapes
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      if (expectKey) {
        const raw = text.slice(i + 1, j);
        const key: string = raw.includes('\\') ? JSON.parse(text.slice(i, j + 1)) : raw;
        const top = stack[stack.length - 1].keys!;
        if (top.has(key)) return { path: stack.slice(1).map((f) => f.name), key };
        top.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) { stack.push({ keys: new Set(), name: lastKey }); expectKey = true } // '{'
    else if (c === 0x5b) stack.push({ keys: null, name: lastKey }); // '['
    else if (c === 0x7d || c === 0x5d) stack.pop(); // '}' ']'
    else if (c === 0x2c) expectKey = stack[stack.length - 1].keys !== null; // ','
  }
  return null;
}
