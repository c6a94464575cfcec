// The system Chromium and the flags that enable WebGPU and keep it off the closed
// network (the README's "Backends" section). Shared by the browser tests and the
// headless scripts (train, bench).
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
