import { ChartsGrid } from './ChartsGrid';
import { ControlsBar } from './ControlsBar';
import { DatasetPanel } from './DatasetPanel';
import { RunCompare } from './RunCompare';
import { RunExportLinks } from './RunExportLinks';
import { SimilarityHeatmap } from './SimilarityHeatmap';

/** The Train tab: controls, curves, run comparison, similarity matrix and dataset facts. */
export function TrainView() {
  return (
    <div className="train-view">
      <ControlsBar />
      <RunExportLinks />
      <ChartsGrid />
      <RunCompare />
      <div className="bottom-row">
        <SimilarityHeatmap />
        <DatasetPanel />
      </div>
    </div>
  );
}
