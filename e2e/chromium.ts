// The system Chromium and the flags that enable WebGPU and keep it off the closed
// network (see ../shared/docs/tfjs-webgpu.md). Shared by the tests, bench and train scripts.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
