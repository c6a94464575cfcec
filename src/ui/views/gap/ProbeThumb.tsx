// One probe image at its stored size, scaled up with crisp pixels (what the model sees).
import { useEffect, useRef } from 'react';
import type { GapProbeSet } from '../../../protocol/gap';

export function ProbeThumb({ probe, index, size = 64 }: { probe: GapProbeSet; index: number; size?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const S = probe.imageSize;
    c.width = S;
    c.height = S;
    const img = ctx.createImageData(S, S);
    const px = S * S * 3;
    const src = probe.thumbnails.subarray(index * px, (index + 1) * px);
    for (let p = 0; p < S * S; p++) {
      img.data[4 * p] = src[3 * p]!;
      img.data[4 * p + 1] = src[3 * p + 1]!;
      img.data[4 * p + 2] = src[3 * p + 2]!;
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [probe, index]);
  return <canvas ref={ref} className="probe-thumb" style={{ width: size, height: size }} aria-label={`image of pair ${index}`} role="img" />;
}
