import { fmtCount, fmtInt, fmtMB, fmtMs, fmtPct } from '../format';
import { useModelsStore } from '../stores/modelsStore';
import { useTelemetry } from '../stores/telemetryStore';

export function StatusLine() {
  const backend = useTelemetry((s) => s.backend);
  const status = useTelemetry((s) => s.status);
  const adapter = backend?.adapter ?? null;
  const saved = useModelsStore((s) => s.lastCheckpoint);

  return (
    <footer className="status-line" data-testid="status-line">
      <span className="status-item">
        <span className="muted">backend</span> <strong>{backend?.active ?? '…'}</strong>
        {backend ? <span className="muted"> ({backend.reason})</span> : null}
      </span>
      {adapter ? (
        <span className="status-item" title={adapter.description}>
          <span className="muted">adapter</span> {[adapter.vendor, adapter.architecture].filter(Boolean).join(' / ') || 'unknown'}
          {adapter.isFallbackAdapter ? <span className="badge badge-warn">software</span> : null}
        </span>
      ) : null}
      {backend ? (
        <span className="status-item" title="The contrastive loss: fused WebGPU kernels (one N×N buffer, forward and backward) or tfjs ops">
          <span className="muted">loss</span> {backend.lossKernel === 'fused' ? 'fused WebGPU kernel' : 'op-composed'}
        </span>
      ) : null}
      {backend?.wasmThreads !== undefined ? (
        <span className="status-item">
          <span className="muted">wasm threads</span> {backend.wasmThreads}
        </span>
      ) : null}
      <span className="status-item">
        <span className="muted">tensors</span> {fmtInt(status.numTensors)} · {fmtMB(status.numBytes)}
      </span>
      <span className="status-item">
        <span className="muted">step</span> {fmtMs(status.stepMs)}
      </span>
      <span className="status-item">
        <span className="muted">data wait</span> {fmtPct(status.dataWaitShare, 0)}
      </span>
      {saved ? (
        <span className="status-item" data-testid="checkpoint-status" title={saved.error ?? `checkpoint (${saved.reason}) written and verified in ${fmtMs(saved.ms)}`}>
          <span className="muted">checkpoint</span>{' '}
          {saved.ok ? `step ${fmtInt(saved.step)} · ${fmtMB(saved.bytes)}` : <span className="badge badge-warn">step {fmtInt(saved.step)} not saved</span>}
        </span>
      ) : null}
      <span className="status-item">
        <span className="muted">params</span> {status.paramCount ? fmtCount(status.paramCount) : '–'}
      </span>
      <span className="status-item">
        <span className="muted">vocab</span> {status.vocabSize ? fmtInt(status.vocabSize) : '–'}
      </span>
      {backend && backend.candidates.length ? (
        <details className="candidates">
          <summary>backends</summary>
          <table>
            <thead>
              <tr>
                <th>backend</th>
                <th>available</th>
                <th>bench</th>
                <th>note</th>
              </tr>
            </thead>
            <tbody>
              {backend.candidates.map((c) => (
                <tr key={c.name} className={c.name === backend.active ? 'active' : undefined}>
                  <td>{c.name}</td>
                  <td>{c.available ? 'yes' : 'no'}</td>
                  <td>{c.benchMs !== undefined ? fmtMs(c.benchMs) : '–'}</td>
                  <td>{c.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </footer>
  );
}
