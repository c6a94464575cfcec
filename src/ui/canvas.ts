// What every hand-drawn canvas of the UI does first (the similarity heatmap, the Gap lab's map, bars,
// histograms and lesson plots): follow its container's width, and size the backing store for the
// screen's pixel ratio so lines stay sharp.
import { useEffect, useRef, useState, type RefObject } from 'react';

/** A ref for the container and its width in CSS px (at least `min`), following resizes. */
export function useContainerWidth<T extends HTMLElement = HTMLDivElement>(initial: number, min: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(min, Math.floor(el.clientWidth))));
    ro.observe(el);
    return () => ro.disconnect();
  }, [min]);
  return [ref, width];
}

/**
 * Sizes `canvas` to width × height CSS px at the device pixel ratio and returns its 2-D context,
 * scaled so drawing uses CSS px, and cleared; null without a 2-D context.
 */
export function prepareCanvas(canvas: HTMLCanvasElement | null, width: number, height: number): CanvasRenderingContext2D | null {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return null;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
