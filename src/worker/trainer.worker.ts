// Entry of the trainer Web Worker: every tensor of the app lives here.
import type { Command, Report } from '../protocol/trainer';
import { transferablesOf } from '../protocol/trainer';
import { installWorkerTestHooks } from './testHooks';
import { TrainerSession } from './trainerSession';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new TrainerSession((r: Report) => scope.postMessage(r, transferablesOf(r)));

// Commands are handled in arrival order except the ones that must interrupt a running
// loop (pause, stop, status), which act immediately.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e: MessageEvent<Command>) => {
  const cmd = e.data;
  if (cmd.type === 'pause' || cmd.type === 'stop' || cmd.type === 'status') {
    void session.handle(cmd);
    return;
  }
  queue = queue.then(() => session.handle(cmd));
};

if (__TEST_HOOKS__) installWorkerTestHooks(session);
