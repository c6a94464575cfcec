// One queue for every canvas redraw of the page, run in animation frames with a time budget: when a
// metrics report makes a dozen charts dirty at once, they are drawn over a few frames instead of in
// one long task (a frame's callbacks all run in one task). A redraw enqueued twice runs once.
const FRAME_BUDGET_MS = 8;

const queue = new Set<() => void>();
let frame = 0;

function run(): void {
  frame = 0;
  const start = performance.now();
  for (const redraw of queue) {
    queue.delete(redraw);
    redraw();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  if (queue.size) frame = requestAnimationFrame(run);
}

/** Runs `redraw` in a coming animation frame (none while the tab is hidden). */
export function enqueueRedraw(redraw: () => void): void {
  queue.add(redraw);
  if (!frame) frame = requestAnimationFrame(run);
}

/** Drops a queued redraw (its chart is gone). */
export function cancelRedraw(redraw: () => void): void {
  queue.delete(redraw);
}
