// Exports of a chart's data and of a whole run: CSV quoting, columns and row alignment; JSON shape.
import { describe, expect, it } from 'vitest';
import { chartCsv, csvField, exportFileName, slug, toCsv } from '../src/ui/chartExport';
import { MetricRing } from '../src/ui/metricRing';
import { runMetricsCsv, runMetricsJson } from '../src/ui/runExport';
import type { EvalPoint } from '../src/ui/stores/telemetryStore';
import { defaultTrainConfig } from '../src/config/defaults';

function ring(steps: number[]): MetricRing {
  const r = new MetricRing(3);
  const n = steps.length;
  const f = (g: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => g(i));
  r.append({
    type: 'metrics',
    count: n,
    step: Float64Array.from(steps),
    loss: f((i) => 4 - i),
    logitScale: f(() => 2),
    lr: f(() => 0.5),
    gradNorm: f(() => 1),
    pairsPerSec: f(() => 10),
    stepMs: f(() => 3),
    meanPositive: f(() => NaN),
    meanMargin: f(() => 0.25),
    components: { clip: f((i) => 4 - i) },
  });
  return r;
}

const ev = (step: number, zs: number): EvalPoint => ({
  step, zeroShotAll: zs, zeroShotSeen: zs, zeroShotHeldOut: NaN, numClasses: 4, gap: 0.5, meanPositive: 0.1, recallI2T1: 0.1, recallT2I1: 0.2, recallI2T5: 0.3, recallT2I5: 0.4, evalMs: 1,
});

describe('CSV', () => {
  it('quotes fields that need it and leaves missing values empty', () => {
    expect(['a', 'b,c', 'd"e', 'f\ng', 1.5, null, NaN, undefined].map(csvField)).toEqual(['a', '"b,c"', '"d""e"', '"f\ng"', '1.5', '', '', '']);
    expect(toCsv(['x', 'y'], [[1, 2], [3]])).toBe('x,y\r\n1,3\r\n2,\r\n');
    expect(chartCsv('step', ['loss', 'R@1 image→text'], [[10, 20], [1.25, null], [0.5, 0.75]])).toBe('step,loss,R@1 image→text\r\n10,1.25,0.5\r\n20,,0.75\r\n');
  });
  it('file names say what the data is', () => {
    expect(slug('Modality gap ‖mean u − mean v‖')).toBe('modality-gap-mean-u-mean-v');
    expect(exportFileName('Zero-shot top-1', 'csv', new Date('2026-12-02T10:20:30Z'))).toBe('clip-lab-zero-shot-top-1-2026-12-02-10-20-30.csv');
  });
});

describe('run metrics export', () => {
  it('CSV: one row per step, evaluations on their steps (and their own rows where no metrics)', () => {
    const text = runMetricsCsv(ring([1, 2, 3, 4]), [ev(0, 0.25), ev(4, 0.5)]);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('step,loss,logitScale,lr,gradNorm,pairsPerSec,stepMs,meanPositive,meanMargin,clip,eval_zeroShotAll,eval_zeroShotSeen,eval_zeroShotHeldOut,eval_gap,eval_meanPositive,eval_recallI2T1,eval_recallT2I1,eval_recallI2T5,eval_recallT2I5');
    // Capacity 3: step 1 was dropped; step 0 has only its evaluation.
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '2', '3', '4']);
    expect(lines[1]).toBe('0,,,,,,,,,,0.25,0.25,,0.5,0.1,0.1,0.2,0.3,0.4');
    expect(lines[2]).toBe('2,3,2,0.5,1,10,3,,0.25,3,,,,,,,,,');
    expect(lines[4]!.endsWith(',0.5,0.5,,0.5,0.1,0.1,0.2,0.3,0.4')).toBe(true);
  });
  it('JSON: config, columns, components, evaluations, dropped steps; NaN as null', () => {
    const config = defaultTrainConfig();
    const o = JSON.parse(runMetricsJson(config, ring([1, 2, 3, 4]), [ev(4, 0.5)]));
    expect(o.format).toBe('clip-lab-run-metrics');
    expect(o.config).toEqual(config);
    expect(o.droppedSteps).toBe(1);
    expect(o.steps.step).toEqual([2, 3, 4]);
    expect(o.steps.components.clip).toEqual([3, 2, 1]);
    expect(o.steps.meanPositive).toEqual([null, null, null]);
    expect(o.evals[0].zeroShotHeldOut).toBeNull();
  });
});

describe('matrix CSV', () => {
  it('labels rows and columns by caption', async () => {
    const { matrixCsv } = await import('../src/ui/chartExport');
    expect(matrixCsv('image \\ caption', ['a red circle', 'two, shapes'], [1, 0.5, -0.25, 0.75], 2)).toBe('image \\ caption,a red circle,"two, shapes"\r\na red circle,1,0.5\r\n"two, shapes",-0.25,0.75\r\n');
  });
});
