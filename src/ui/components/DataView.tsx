import { DatasetsTable } from './DatasetsTable';
import { DataWorkerNotice } from './DataWorkerNotice';
import { ImportCard } from './ImportCard';
import { SampleBrowser } from './SampleBrowser';

/** The Data tab: import, stored datasets, sample browser. */
export function DataView() {
  return (
    <div className="data-view">
      <DataWorkerNotice />
      <ImportCard />
      <DatasetsTable />
      <SampleBrowser />
    </div>
  );
}
