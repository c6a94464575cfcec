import { DataView } from './ui/components/DataView';
import { ErrorBanner } from './ui/components/ErrorBanner';
import { Header } from './ui/components/Header';
import { ModelsView } from './ui/components/ModelsView';
import { ResumeBanner } from './ui/components/ResumeBanner';
import { RunSidebar } from './ui/components/RunSidebar';
import { StatusLine } from './ui/components/StatusLine';
import { TabBar } from './ui/components/TabBar';
import { TrainView } from './ui/components/TrainView';
import { useStore } from './ui/store';

export function App() {
  const view = useStore((s) => s.view);
  return (
    <div className="app">
      <Header />
      <div className="app-body">
        <RunSidebar />
        <main className="main">
          <TabBar />
          <ErrorBanner />
          <ResumeBanner />
          {view === 'train' ? <TrainView /> : view === 'data' ? <DataView /> : <ModelsView />}
        </main>
      </div>
      <StatusLine />
    </div>
  );
}
