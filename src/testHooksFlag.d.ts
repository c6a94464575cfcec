// `__TEST_HOOKS__` is replaced at build time (vite.config.ts `define`): true in the test build the
// browser tests and benchmarks drive (`vite build --mode test`) and under Vitest, false in the
// product build, where the hooks and their code are left out of the bundle.
declare const __TEST_HOOKS__: boolean;
