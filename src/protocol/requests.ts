// Request ids for the commands that expect one answer (export a model, browse a dataset, run a
// benchmark, …): the answer echoes the id, so answers to two requests in flight cannot be confused
// (a slow browse of page 1 arriving after page 2 is dropped, not shown). Pure: no DOM, no workers.

export interface Request {
  /** Chosen by the sender, unique per sender; echoed by the answer. */
  requestId: string;
}

let counter = 0;

/** A fresh id: a per-page prefix (two tabs never collide in logs) plus a counter. */
export function newRequestId(prefix = 'r'): string {
  counter += 1;
  return `${prefix}${counter.toString(36)}`;
}

interface Pending<T> {
  resolve: (answer: T) => void;
  reject: (error: Error) => void;
  /** Whether this answer ends the request (streamed answers, e.g. benchmark rows, may not). */
  isFinal: (answer: T) => boolean;
}

/** Requests awaiting their answers: `track` returns a promise, `settle` delivers an answer or error. */
export class PendingRequests<T extends object> {
  private readonly pending = new Map<string, Pending<T>>();

  get size(): number {
    return this.pending.size;
  }

  has(requestId: string): boolean {
    return this.pending.has(requestId);
  }

  track(requestId: string, isFinal: (answer: T) => boolean = () => true): Promise<T> {
    return new Promise<T>((resolve, reject) => this.pending.set(requestId, { resolve, reject, isFinal }));
  }

  /** Delivers an answer; returns false when nobody waits for it (stale or unsolicited). */
  settle(answer: T): boolean {
    const id = (answer as { requestId?: unknown }).requestId;
    const p = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!p || typeof id !== 'string') return false;
    if (p.isFinal(answer)) {
      this.pending.delete(id);
      p.resolve(answer);
    }
    return true;
  }

  fail(requestId: string, error: Error): boolean {
    const p = this.pending.get(requestId);
    if (!p) return false;
    this.pending.delete(requestId);
    p.reject(error);
    return true;
  }

  /** Rejects every open request (the worker died). */
  failAll(error: Error): void {
    for (const [id] of this.pending) this.fail(id, error);
  }
}
