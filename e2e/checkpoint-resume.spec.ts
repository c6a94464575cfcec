// Keeping what you train (real worker, real IndexedDB): a run auto-saved every 20 steps and
// closed without warning at ≈ step 50 is offered for resuming from step 40 after reopening, and
// its losses after the resume equal those of an uninterrupted run of the same config; a quota
// error injected during a checkpoint write leaves the previous checkpoint intact and loadable.
import type { Page } from '@playwright/test';
import { expect, guardPage, losses, setField, storeState, test, trainerWorker, waitForBackend, waitForState, workerErrors } from './fixtures';

async function setUpRun(page: Page, steps: number): Promise<void> {
  await page.goto('/');
  await waitForBackend(page);
  await setField(page, 'Train pairs', 1024);
  await setField(page, 'Val pairs', 128);
  await setField(page, 'Batch size', 48);
  await setField(page, 'Steps', steps);
  await setField(page, 'Eval every', 0);
  await setField(page, 'Auto-save every (steps)', 20);
  await setField(page, 'Auto-save every (s)', 0);
}

const lastCheckpoint = (page: Page) => page.evaluate(() => (window as any).__clipLab.getModels().lastCheckpoint);

test('closed without warning at ≈ step 50, reopened: resume from step 40, and steps 41–60 equal the uninterrupted run', async ({ page, guard, context }) => {
  await setUpRun(page, 60);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(async () => (await lastCheckpoint(page))?.step ?? 0, { timeout: 180_000 }).toBe(40);
  expect((await lastCheckpoint(page)).ok).toBe(true);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 60_000, intervals: [100] }).toBeGreaterThanOrEqual(50);
  const closedAt = await storeState<number>(page, 's.status.step');
  const before = await losses(page);
  expect(closedAt).toBeLessThan(60);
  await page.close({ runBeforeUnload: false }); // the tab goes, mid-step: no Pause, no Stop, no unload handler

  const page2 = await context.newPage();
  guardPage(page2, guard);
  await page2.goto('/');
  await waitForBackend(page2);
  const offer = page2.getByTestId('resume-banner');
  await expect(offer).toBeVisible({ timeout: 60_000 });
  await expect(offer).toContainText('step 40 of 60');
  await offer.getByRole('button', { name: /from step 40$/ }).click();
  await waitForState(page2, ['paused']);
  expect(await storeState(page2, 's.status.step')).toBe(40);
  // The history came back with the checkpoint: the charts show steps 1–40 as they were.
  expect(await losses(page2)).toEqual(before.slice(0, 40));
  const tensorsPaused = await storeState<number>(page2, 's.status.numTensors');
  await page2.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForState(page2, ['done'], 180_000);
  const resumed = await losses(page2);
  expect(resumed).toHaveLength(60);
  const tensorsResumedDone = await storeState<number>(page2, 's.status.numTensors');

  // The uninterrupted run: the same config (the sidebar now shows the resumed run's), from step 0.
  await page2.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page2, ['running', 'done']);
  await waitForState(page2, ['done'], 180_000);
  const straight = await losses(page2);
  expect(straight).toHaveLength(60);
  const diffs = resumed.slice(40).map((x, i) => Math.abs(x - straight[40 + i]!));
  console.log(`resume at 40 (closed at ${closedAt}): steps 41–60 max |Δloss| = ${Math.max(...diffs)}; loss ${straight[40]!.toFixed(4)} → ${straight[59]!.toFixed(4)}`);
  expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-6);
  expect(resumed.slice(0, 40)).toEqual(straight.slice(0, 40));
  expect(await storeState(page2, 's.status.numTensors')).toBe(tensorsResumedDone);
  expect(tensorsPaused).toBeGreaterThan(0);
  expect(await workerErrors(page2)).toEqual([]);
});

test('a quota error while writing the step-40 checkpoint leaves the step-20 checkpoint intact and loadable', async ({ page, guard, context }) => {
  await setUpRun(page, 200);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect.poll(async () => (await lastCheckpoint(page))?.step ?? 0, { timeout: 180_000 }).toBe(20);
  const worker = await trainerWorker(page);
  // Every later chunk write fails as a full disk would.
  await worker.evaluate(() => ((globalThis as any).__clipLabCheckpoint.faults.failChunkWrites = 1_000_000));
  await expect.poll(async () => (await lastCheckpoint(page))?.step ?? 0, { timeout: 120_000 }).toBe(40);
  const failed = await lastCheckpoint(page);
  expect(failed.ok).toBe(false);
  expect(failed.error).toMatch(/Checkpoint at step 40 not saved: the browser storage is full \(quota exceeded\).*the checkpoint at step 20 is intact/);
  const errors = await workerErrors(page);
  expect(errors.some((e) => e.startsWith('checkpoint: Checkpoint at step 40 not saved'))).toBe(true);
  expect(await storeState(page, 's.status.state')).toBe('running'); // training goes on
  await page.close({ runBeforeUnload: false });

  const page2 = await context.newPage();
  guardPage(page2, guard);
  await page2.goto('/');
  await waitForBackend(page2);
  const offer = page2.getByTestId('resume-banner');
  await expect(offer).toContainText('step 20 of 200', { timeout: 60_000 });
  await offer.getByRole('button', { name: /from step 20$/ }).click();
  await waitForState(page2, ['paused']);
  expect(await storeState(page2, 's.status.step')).toBe(20);
  expect(await losses(page2)).toHaveLength(20);
  await page2.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(() => storeState(page2, 's.status.step')).toBe(21);
  expect(await workerErrors(page2)).toEqual([]);
  // Nothing of the failed writes is left behind: one model, one checkpoint, its chunks only.
  const stores = await page2.evaluate(async () => {
    const db: IDBDatabase = await new Promise((res, rej) => {
      const r = indexedDB.open('clip-lab');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = (name: string) =>
      new Promise<any[]>((res) => {
        const q = db.transaction(name).objectStore(name).getAll();
        q.onsuccess = () => res(q.result);
      });
    const models = await all('models');
    const checkpoints = await all('checkpoints');
    const chunkKeys: string[] = await new Promise((res) => {
      const q = db.transaction('checkpointChunks').objectStore('checkpointChunks').getAllKeys();
      q.onsuccess = () => res(q.result as string[]);
    });
    db.close();
    return { models: models.length, checkpoints: checkpoints.map((c: any) => ({ id: c.id, step: c.step, chunks: c.chunkCount })), chunkIds: [...new Set(chunkKeys.map((k) => k.split('/')[0]))] };
  });
  expect(stores.models).toBe(1);
  expect(stores.checkpoints).toHaveLength(1);
  expect(stores.checkpoints[0].step).toBe(20);
  expect(stores.chunkIds).toEqual([stores.checkpoints[0].id]);
});
