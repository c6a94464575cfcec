// Parameter registry: named tf.Variables in a fixed creation order, each flagged for weight decay
// (decay only on weight matrices, methods.md §1). Init is drawn in JS from a per-parameter seeded
// Rng (deriveSeed(seed, name)) so every backend starts from bit-identical values.
import * as tf from '@tensorflow/tfjs';
import { Rng, deriveSeed } from '../util/prng';

export type ParamInit =
  | { kind: 'normal'; std: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number };

export interface Param {
  name: string;
  shape: number[];
  decay: boolean;
  variable: tf.Variable;
}

/** Build the initial values of one parameter as a Float32Array (pure JS, backend-independent). */
export function initValues(seed: number, name: string, size: number, init: ParamInit): Float32Array {
  const out = new Float32Array(size);
  if (init.kind === 'normal') {
    const rng = new Rng(deriveSeed(seed, name));
    for (let i = 0; i < size; i++) out[i] = rng.normal() * init.std;
  } else if (init.kind === 'ones') out.fill(1);
  else if (init.kind === 'constant') out.fill(init.value);
  return out;
}

/** Values to start a parameter from instead of its init (a model loaded from weights); null: use the init. */
export type GivenValues = (name: string, shape: readonly number[]) => Float32Array | null;

export class ParamRegistry {
  readonly params: Param[] = [];
  private byName = new Map<string, Param>();

  /** `given`: a loaded model's values, so that no random init is drawn and held beside them. */
  constructor(readonly seed: number, private readonly given?: GivenValues) {}

  /** Create and register a trainable variable. Names must be unique within the registry. */
  add(name: string, shape: number[], init: ParamInit, decay: boolean): tf.Variable {
    if (this.byName.has(name)) throw new Error(`duplicate parameter name ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = this.given?.(name, shape) ?? initValues(this.seed, name, size, init);
    // No tfjs-level name: tfjs names are global, and several models may coexist.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    const p: Param = { name, shape: [...shape], decay, variable };
    this.params.push(p);
    this.byName.set(name, p);
    return variable;
  }

  get(name: string): tf.Variable {
    const p = this.byName.get(name);
    if (!p) throw new Error(`unknown parameter ${name}`);
    return p.variable;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Variables in registry order. */
  variables(): tf.Variable[] {
    return this.params.map((p) => p.variable);
  }

  names(): string[] {
    return this.params.map((p) => p.name);
  }

  /** Total number of scalar parameters. */
  count(): number {
    return this.params.reduce((a, p) => a + p.variable.size, 0);
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
    this.params.length = 0;
    this.byName.clear();
  }
}
