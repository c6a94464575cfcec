// Chooses the tfjs backend in the worker. tfjs on its own prefers WebGPU even on a
// software (fallback) adapter, where it is the slowest backend by far (SwiftShader:
// ~450 ms per tiny CLIP step vs ~25 ms on wasm). So: detect the adapter, never pick
// WebGPU on a fallback adapter by default, otherwise time a short probe workload on
// each candidate once and cache the winner per machine/adapter. A user override wins.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WASM_FILE_URLS } from './wasmPaths';
import { runProbeWorkload } from './probeWorkload';
import { getSetting, putSetting } from '../data/db';
import type { AdapterDescription, BackendCandidate, BackendInfo } from '../protocol/trainer';
import type { BackendChoice, BackendName } from '../config/types';
import { fusedLossActive } from '../kernels/fusedLoss';

let wasmPathsSet = false;

export async function describeAdapter(): Promise<AdapterDescription | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    // `adapter.info` (Chromium ≥ 127) is newer than the @webgpu/types tfjs pins.
    type Info = { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
    const info: Info = (adapter as unknown as { info?: Info }).info ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      isFallbackAdapter: info.isFallbackAdapter === true || info.architecture === 'swiftshader',
    };
  } catch {
    return null;
  }
}

function webglAvailable(): boolean {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    // Release the probe at once: Chromium keeps a few contexts per worker and drops the oldest,
    // which after a few backend switches was tfjs's own ("Failed to link vertex and fragment shaders").
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return gl !== null;
  } catch {
    return false;
  }
}

export function listCandidates(adapter: AdapterDescription | null): BackendCandidate[] {
  return [
    adapter
      ? { name: 'webgpu', available: true, note: adapter.isFallbackAdapter ? 'software adapter: slower than wasm here, never picked automatically' : undefined }
      : { name: 'webgpu', available: false, note: 'no WebGPU adapter' },
    typeof WebAssembly === 'object' ? { name: 'wasm', available: true } : { name: 'wasm', available: false, note: 'no WebAssembly' },
    webglAvailable() ? { name: 'webgl', available: true } : { name: 'webgl', available: false, note: 'no WebGL2 in workers' },
    { name: 'cpu', available: true },
  ];
}

/** Switch tfjs to `name`; false when the backend fails to initialise. */
export async function activateBackend(name: BackendName): Promise<boolean> {
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(WASM_FILE_URLS);
    wasmPathsSet = true;
  }
  if (tf.getBackend() === name) return true;
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function cacheKey(adapter: AdapterDescription | null): string {
  const nav = globalThis.navigator;
  return `backend-bench:v1:${nav.userAgent}|${nav.hardwareConcurrency}|${globalThis.crossOriginIsolated}|${JSON.stringify(adapter)}`;
}

interface CachedBench {
  winner: BackendName;
  benchMs: Partial<Record<BackendName, number>>;
}

/** Time the probe workload on each auto-eligible candidate (≈0.3 s each). */
async function benchmarkCandidates(candidates: BackendCandidate[]): Promise<CachedBench | null> {
  const benchMs: Partial<Record<BackendName, number>> = {};
  for (const c of candidates) {
    if (!c.available || c.note?.startsWith('software adapter')) continue;
    if (!(await activateBackend(c.name))) {
      c.available = false;
      c.note = 'failed to initialise';
      continue;
    }
    benchMs[c.name] = await runProbeWorkload(300);
  }
  const ranked = (Object.entries(benchMs) as [BackendName, number][]).sort((a, b) => a[1] - b[1]);
  return ranked.length ? { winner: ranked[0][0], benchMs } : null;
}

export async function chooseBackend(requested: BackendChoice, opts: { rebenchmark?: boolean } = {}): Promise<BackendInfo> {
  const adapter = await describeAdapter();
  const candidates = listCandidates(adapter);
  const finish = async (active: BackendName, reason: string, bench?: CachedBench | null): Promise<BackendInfo> => {
    if (!(await activateBackend(active))) {
      await activateBackend('cpu');
      active = 'cpu';
      reason = `${reason}; failed to start, fell back to cpu`;
    }
    if (bench) for (const c of candidates) c.benchMs = bench.benchMs[c.name];
    return {
      active,
      requested,
      reason,
      adapter,
      candidates,
      wasmThreads: active === 'wasm' ? getThreadsCount() : undefined,
      lossKernel: fusedLossActive() ? 'fused' : 'op-composed',
    };
  };

  const key = cacheKey(adapter);
  const cached = opts.rebenchmark ? undefined : await getSetting<CachedBench>(key);
  if (requested !== 'auto') {
    const c = candidates.find((x) => x.name === requested);
    if (c?.available) return finish(requested, 'chosen by you', cached);
  }
  if (cached && candidates.find((c) => c.name === cached.winner)?.available) {
    return finish(cached.winner, `${requested === 'auto' ? 'auto' : `${requested} unavailable; auto`}: fastest in the micro-benchmark (cached)`, cached);
  }
  const bench = await benchmarkCandidates(candidates);
  if (!bench) return finish('cpu', 'no backend could be benchmarked');
  await putSetting(key, bench);
  return finish(bench.winner, `${requested === 'auto' ? 'auto' : `${requested} unavailable; auto`}: fastest in the micro-benchmark`, bench);
}
