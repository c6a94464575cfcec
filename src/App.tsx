import { ChartsGrid } from './ui/components/ChartsGrid';
import { ControlsBar } from './ui/components/ControlsBar';
import { DatasetPanel } from './ui/components/DatasetPanel';
import { ErrorBanner } from './ui/components/ErrorBanner';
import { Header } from './ui/components/Header';
import { RunSidebar } from './ui/components/RunSidebar';
import { SimilarityHeatmap } from './ui/components/SimilarityHeatmap';
import { StatusLine } from './ui/components/StatusLine';

export function App() {
  return (
    <div className="app">
      <Header />
      <div className="app-body">
        <RunSidebar />
        <main className="main">
          <ErrorBanner />
          <ControlsBar />
          <ChartsGrid />
          <div className="bottom-row">
            <SimilarityHeatmap />
            <DatasetPanel />
          </div>
        </main>
      </div>
      <StatusLine />
    </div>
  );
}
