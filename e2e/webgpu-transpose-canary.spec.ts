// Canary for tfjs 4.22's WebGPU int32 transpose defect (tracker #8638). Without the
// postinstall fix (scripts/patch-tfjs-webgpu.mjs) the transpose shader fails to
// compile on Chromium ≥ 141 and these results come back as zeros or stale data.
import { expect, test, trainerWorker, waitForBackend } from './fixtures';

test('WebGPU transposes int32 and int32-backed tensors correctly', async ({ page, guard }) => {
  void guard;
  await page.goto('/');
  await waitForBackend(page); // the worker's own backend benchmark switches backends: let it finish
  const worker = await trainerWorker(page);
  await expect.poll(() => worker.evaluate(() => typeof (globalThis as any).__clipLabTf), { timeout: 30_000 }).toBe('object');
  const result = await worker.evaluate(async () => {
    const tf = (globalThis as any).__clipLabTf;
    const ok = await tf.setBackend('webgpu');
    await tf.ready();
    const errors: string[] = [];
    const device = tf.backend().device as GPUDevice;
    device.addEventListener('uncapturederror', (e: any) => errors.push(String(e.error?.message ?? e)));
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], 'int32');
    const t = tf.transpose(x, [2, 0, 1]); // rank 3: the generic TransposeProgram
    const b = tf.tensor3d([1, 0, 0, 1, 1, 0], [1, 2, 3], 'bool');
    const castB = tf.transpose(tf.cast(b, 'float32'), [2, 1, 0]); // float32 that keeps the int32 buffer
    const sumAxis0 = tf.cast(x, 'float32').sum(0); // reduction over a non-last axis
    const out = {
      backend: tf.getBackend(),
      ok,
      t: Array.from(await t.data()),
      castB: Array.from(await castB.data()),
      sumAxis0: Array.from(await sumAxis0.data()),
    };
    await device.queue.onSubmittedWorkDone();
    tf.dispose([x, t, b, castB, sumAxis0]);
    return { ...out, errors };
  });
  expect(result.backend).toBe('webgpu');
  expect(result.t).toEqual([1, 3, 5, 7, 9, 11, 2, 4, 6, 8, 10, 12]);
  expect(result.castB).toEqual([1, 1, 0, 1, 0, 0]);
  expect(result.sumAxis0).toEqual([8, 10, 12, 14, 16, 18]);
  expect(result.errors).toEqual([]);
});
