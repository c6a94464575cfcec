import type { DatasetSummary } from '../../protocol/data';
import { fmtInt } from '../format';

/** A labelled choice among the stored datasets (search, evaluation, the Gap lab's data). */
export function StoredDatasetSelect({
  label,
  ariaLabel,
  datasets,
  value,
  onChange,
  testId,
  showPairs = false,
}: {
  label: string;
  ariaLabel: string;
  datasets: readonly DatasetSummary[];
  value: string;
  onChange: (id: string) => void;
  testId?: string;
  showPairs?: boolean;
}) {
  return (
    <label className="field-inline">
      {label}
      <select aria-label={ariaLabel} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
            {showPairs ? ` (${fmtInt(d.trainPairs + d.valPairs)} pairs)` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
