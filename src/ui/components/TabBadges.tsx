// Live markers next to the tab labels: a pulsing dot while the view has work running, or a count.
import { isImportRunning, useDataStore } from '../stores/dataStore';
import { useModelsStore } from '../stores/modelsStore';
import { useTelemetry } from '../stores/telemetryStore';

const LiveDot = () => <span className="tab-dot tab-dot-live" aria-hidden="true" />;

const Count = ({ n }: { n: number }) => (
  <span className="tab-count" aria-hidden="true">
    {n}
  </span>
);

export function TrainBadge() {
  const live = useTelemetry((s) => s.status.state === 'running' || s.status.state === 'preparing');
  return live ? <LiveDot /> : null;
}

export function DataBadge() {
  const importing = useDataStore((s) => isImportRunning(s.importJob));
  const count = useDataStore((s) => s.datasets.length);
  return importing ? <LiveDot /> : count > 0 ? <Count n={count} /> : null;
}

export function ModelsBadge() {
  const count = useModelsStore((s) => s.models.length);
  return count > 0 ? <Count n={count} /> : null;
}
