// Cancellation of the inference worker's long jobs (an index, the evaluation suite): a job checks
// its token between chunks; `cancel` flips it and the job ends with a CancelledError.
export class CancelledError extends Error {
  constructor(what: string) {
    super(`${what}: cancelled`);
  }
}

export class JobToken {
  cancelled = false;
  constructor(readonly what: string) {}

  /** Throws once the job was cancelled; call between chunks. */
  check(): void {
    if (this.cancelled) throw new CancelledError(this.what);
  }
}

export class Jobs {
  private readonly running = new Map<string, JobToken>();

  start(requestId: string, what: string): JobToken {
    const t = new JobToken(what);
    this.running.set(requestId, t);
    return t;
  }

  end(requestId: string): void {
    this.running.delete(requestId);
  }

  cancel(requestId: string): boolean {
    const t = this.running.get(requestId);
    if (t) t.cancelled = true;
    return t !== undefined;
  }

  /** Every job stops (the model they use is being replaced). */
  cancelAll(): void {
    for (const t of this.running.values()) t.cancelled = true;
  }
}
