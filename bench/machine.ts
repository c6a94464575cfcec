// What every benchmark records about the machine it ran on (absolute numbers depend on it).
import os from 'node:os';

export function machineInfo(): { cpus: number; cpu: string | undefined; memGiB: number } {
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30) };
}
