// Byte helpers shared by the format tests.
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The first 33 bytes of a w×h RGB PNG (signature and IHDR, no CRC check), plus `extra` zero bytes. */
export function pngHeader(w = 8, h = 8, extra = 0): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(33 + extra);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, w);
  new DataView(b.buffer).setUint32(20, h);
  b[24] = 8; // bit depth
  b[25] = 2; // colour type: RGB
  return b;
}
