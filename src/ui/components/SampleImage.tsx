import { useEffect, useRef } from 'react';

export interface SampleImageProps {
  /** Raw RGB bytes, size × size × 3. */
  rgb: Uint8Array;
  size: number;
  /** Displayed side in CSS pixels (the image is scaled up without smoothing). */
  display: number;
  label: string;
}

/** Draws raw RGB bytes into a canvas of the stored size, shown scaled up (pixelated). */
export function SampleImage({ rgb, size, display, label }: SampleImageProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || size <= 0) return;
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(size, size);
    const n = size * size;
    const px = img.data;
    for (let i = 0; i < n; i++) {
      px[i * 4] = rgb[i * 3] ?? 0;
      px[i * 4 + 1] = rgb[i * 3 + 1] ?? 0;
      px[i * 4 + 2] = rgb[i * 3 + 2] ?? 0;
      px[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [rgb, size]);
  return <canvas ref={ref} className="sample-canvas" style={{ width: display, height: display }} role="img" aria-label={label} />;
}
