// Keeping what you train (real worker, real IndexedDB): a run auto-saved every 20 steps and
// closed without warning at ≈ step 50 is offered for resuming from step 40 after reopening, and
// its losses after the resume equal those of an uninterrupted run of the same config; a quota
// error injected during a checkpoint write leaves the previous checkpoint intact and loadable.
import type { BrowserContext, Page } from '@playwright/test';
import { expect, guardPage, losses, type Guard, setField, storeState, test, trainerWorker, waitForBackend, waitForState, workerErrors } from './fixtures';

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

/**
 * Trains `steps` steps saving every `saveEvery`, closes the tab without warning once step ≥ closeAt,
 * reopens, resumes from the last checkpoint (`resumeAt`), trains to the end; then trains the same
 * config again uninterrupted. Returns both loss curves.
 */
async function closeReopenResume(
  page: Page,
  context: BrowserContext,
  guard: Guard,
  o: { steps: number; saveEvery: number; closeAt: number; resumeAt: number },
): Promise<{ resumed: number[]; straight: number[]; closedAt: number }> {
  await expect.poll(async () => (await lastCheckpoint(page))?.step ?? 0, { timeout: 240_000 }).toBe(o.resumeAt);
  expect((await lastCheckpoint(page)).ok).toBe(true);
  await expect.poll(() => storeState(page, 's.status.step'), { timeout: 120_000, intervals: [100] }).toBeGreaterThanOrEqual(o.closeAt);
  const closedAt = await storeState<number>(page, 's.status.step');
  const before = await losses(page);
  expect(closedAt).toBeLessThan(o.resumeAt + o.saveEvery);
  await page.close({ runBeforeUnload: false }); // the tab goes, mid-step: no Pause, no Stop, no unload handler

  const page2 = await context.newPage();
  guardPage(page2, guard);
  await page2.goto('/');
  await waitForBackend(page2);
  const offer = page2.getByTestId('resume-banner');
  await expect(offer).toBeVisible({ timeout: 60_000 });
  await expect(offer).toContainText(`step ${o.resumeAt} of ${o.steps}`);
  await page2.screenshot({ path: test.info().outputPath('resume-offer.png') });
  await offer.getByRole('button', { name: new RegExp(`from step ${o.resumeAt}$`) }).click();
  await waitForState(page2, ['paused']);
  expect(await storeState(page2, 's.status.step')).toBe(o.resumeAt);
  // The history came back with the checkpoint: the charts show the steps up to it as they were.
  expect(await losses(page2)).toEqual(before.slice(0, o.resumeAt));
  await page2.getByRole('button', { name: 'Resume', exact: true }).click();
  await waitForState(page2, ['done'], 240_000);
  const resumed = await losses(page2);
  expect(resumed).toHaveLength(o.steps);
  const tensorsResumedDone = await storeState<number>(page2, 's.status.numTensors');

  // The uninterrupted run: the same config (the sidebar now shows the resumed run's), from step 0.
  await page2.getByRole('button', { name: 'Start', exact: true }).click();
  await waitForState(page2, ['running', 'done']);
  await waitForState(page2, ['done'], 240_000);
  const straight = await losses(page2);
  expect(straight).toHaveLength(o.steps);
  // Save, restore and resume leak nothing: both finished runs hold the same tensors.
  expect(await storeState(page2, 's.status.numTensors')).toBe(tensorsResumedDone);
  expect(await workerErrors(page2)).toEqual([]);
  return { resumed, straight, closedAt };
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

test('CLIP closed without warning at ≈ step 50, reopened: resume from step 40, and steps 41–60 equal the uninterrupted run', async ({ page, guard, context }) => {
  await setUpRun(page, 60);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const { resumed, straight, closedAt } = await closeReopenResume(page, context, guard, { steps: 60, saveEvery: 20, closeAt: 50, resumeAt: 40 });
  const d = maxDiff(resumed.slice(40), straight.slice(40));
  console.log(`CLIP resume at 40 (closed at ${closedAt}): steps 41–60 max |Δloss| = ${d}; loss ${straight[40]!.toFixed(4)} → ${straight[59]!.toFixed(4)}`);
  expect(d).toBeLessThanOrEqual(1e-6);
  expect(resumed.slice(0, 40)).toEqual(straight.slice(0, 40));
});

test('ProtoCLIP (teacher on) closed mid-episode, reopened: resume from step 10, and steps 11–24 equal the uninterrupted run', async ({ page, guard, context }) => {
  // Episodes of 128 pairs at batch 32: 4 steps each; step 10 is half way through episode 3.
  await setUpRun(page, 24);
  await setField(page, 'Batch size', 32);
  await setField(page, 'Auto-save every (steps)', 10);
  await setField(page, 'Report every', 2);
  await page.getByLabel('Objective', { exact: true }).selectOption('protoclip');
  await setField(page, 'Episode size', 128);
  await setField(page, 'Prototypes K (0 = E/10)', 8);
  await setField(page, 'Head hidden', 32);
  await setField(page, 'Head output', 16);
  await page.getByLabel('External teacher (TF-IDF + PCA-64, bag of words)').check();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const { resumed, straight, closedAt } = await closeReopenResume(page, context, guard, { steps: 24, saveEvery: 10, closeAt: 14, resumeAt: 10 });
  const d = maxDiff(resumed.slice(10), straight.slice(10));
  console.log(`ProtoCLIP resume at 10 (closed at ${closedAt}): steps 11–24 max |Δloss| = ${d}; loss ${straight[10]!.toFixed(4)} → ${straight[23]!.toFixed(4)}`);
  expect(d).toBeLessThanOrEqual(1e-6);
  expect(resumed.slice(0, 10)).toEqual(straight.slice(0, 10));
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
