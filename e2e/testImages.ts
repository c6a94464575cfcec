// Real encoded images for the import tests, drawn and encoded by the browser itself
// (OffscreenCanvas.convertToBlob), so the tests need no image library.
import type { Page } from '@playwright/test';

export interface TestImageSpec {
  width: number;
  height: number;
  /** CSS colour of a centred square on a dark background. */
  colour: string;
  type: 'image/png' | 'image/jpeg' | 'image/webp';
}

export async function encodeImages(page: Page, specs: TestImageSpec[]): Promise<Buffer[]> {
  const encoded: number[][] = await page.evaluate(async (list) => {
    const out: number[][] = [];
    for (const s of list) {
      const c = new OffscreenCanvas(s.width, s.height);
      const g = c.getContext('2d')!;
      g.fillStyle = '#202020';
      g.fillRect(0, 0, s.width, s.height);
      g.fillStyle = s.colour;
      g.fillRect(s.width / 4, s.height / 4, s.width / 2, s.height / 2);
      const blob = await c.convertToBlob({ type: s.type, quality: 0.9 });
      out.push(Array.from(new Uint8Array(await blob.arrayBuffer())));
    }
    return out;
  }, specs);
  return encoded.map((a) => Buffer.from(a));
}

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan', 'white', 'orange'];
