// The UI never runs tensors: no module the main thread loads may reach @tensorflow/* (all of
// tfjs lives in the workers). The check walks the static import graph from the page's entry,
// following value imports and re-exports (type-only imports are erased by the compiler) but not
// `new Worker(new URL(...))`, which starts a separate bundle.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

type ReadFile = (path: string) => string | null;

/** Value imports of a module's source: `import x from`, `import {…} from`, `import '…'`, `export … from`, `import(…)`. */
export function valueImports(source: string): string[] {
  const out: string[] = [];
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const re = /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) continue; // import type … / export type …
    out.push((m[2] ?? m[3])!);
  }
  return out;
}

function resolveModule(from: string, spec: string, read: ReadFile): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (read(candidate) !== null && /\.(ts|tsx)$/.test(candidate)) return candidate;
  return null;
}

/** Chains entry → … → module for every module that imports a package matching `forbidden`, and the modules visited. */
export function forbiddenChains(entry: string, read: ReadFile, forbidden: RegExp, visited = new Set<string>()): string[][] {
  const chains: string[][] = [];
  const seen = visited;
  const walk = (file: string, path: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = read(file);
    if (source === null) return;
    for (const spec of valueImports(source)) {
      if (forbidden.test(spec)) chains.push([...path, file, spec]);
      else if (spec.startsWith('.')) {
        const next = resolveModule(file, spec, read);
        if (next) walk(next, [...path, file]);
      }
    }
  };
  walk(entry, []);
  return chains;
}

const diskRead: ReadFile = (p) => (existsSync(p) && !p.endsWith('/') ? (() => { try { return readFileSync(p, 'utf8'); } catch { return null; } })() : null);
const TFJS = /^@tensorflow\//;

describe('main-thread boundary', () => {
  it('no module loaded by the page (src/main.tsx and all it imports) reaches @tensorflow/*', () => {
    const visited = new Set<string>();
    const chains = forbiddenChains(join(ROOT, 'src/main.tsx'), diskRead, TFJS, visited).map((c) => c.map((p) => (p.startsWith('/') ? relative(ROOT, p) : p)).join(' → '));
    expect(chains).toEqual([]);
    // The walk really covers the UI: the stores, the worker clients, the views and what they import.
    const seen = [...visited].map((p) => relative(ROOT, p));
    for (const m of ['src/ui/stores/telemetryStore.ts', 'src/ui/applyReport.ts', 'src/ui/trainerClient.ts', 'src/ui/components/ModelsView.tsx', 'src/protocol/requests.ts', 'src/config/validate.ts', 'src/model/config.ts']) expect(seen).toContain(m);
    expect(seen.some((p) => p.startsWith('src/worker/'))).toBe(false);
  });

  it('the check fails when a UI module imports tfjs (directly or through a value import)', () => {
    const files: Record<string, string> = {
      '/app/src/main.tsx': "import { App } from './ui/App';\nimport type { Tensor } from '@tensorflow/tfjs';\nconst w = new Worker(new URL('./worker/w.ts', import.meta.url));",
      '/app/src/ui/App.tsx': "import { helper } from './helper';\nexport { x } from '../model/x';\n// import * as tf from '@tensorflow/tfjs';",
      '/app/src/ui/helper.ts': "import * as tf from '@tensorflow/tfjs';\nexport const helper = tf;",
      '/app/src/model/x.ts': "import '@tensorflow/tfjs-backend-webgpu';\nexport const x = 1;",
      '/app/src/worker/w.ts': "import * as tf from '@tensorflow/tfjs';",
    };
    const chains = forbiddenChains('/app/src/main.tsx', (p) => files[p] ?? null, TFJS);
    expect(chains).toEqual([
      ['/app/src/main.tsx', '/app/src/ui/App.tsx', '/app/src/ui/helper.ts', '@tensorflow/tfjs'],
      ['/app/src/main.tsx', '/app/src/ui/App.tsx', '/app/src/model/x.ts', '@tensorflow/tfjs-backend-webgpu'],
    ]);
  });
});
