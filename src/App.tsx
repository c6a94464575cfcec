import { ErrorBanner } from './ui/components/ErrorBanner';
import { Header } from './ui/components/Header';
import { LinkNotice } from './ui/components/LinkNotice';
import { ResumeBanner } from './ui/components/ResumeBanner';
import { RunSidebar } from './ui/components/RunSidebar';
import { SkipLink } from './ui/components/SkipLink';
import { StatusLine } from './ui/components/StatusLine';
import { TabBar } from './ui/components/TabBar';
import { routeOf } from './ui/routes';
import { useRoute } from './ui/stores/routeStore';

export function App() {
  const view = useRoute((s) => s.view);
  const { id, View } = routeOf(view);
  return (
    <div className="app">
      <nav className="skip-links" aria-label="Skip links">
        <SkipLink className="skip-link" target="main">
          Skip to the main area
        </SkipLink>
        <SkipLink className="skip-link" target="run-settings">
          Skip to the run settings
        </SkipLink>
      </nav>
      <Header />
      <div className="app-body">
        <main className="main" id="main" tabIndex={-1}>
          <TabBar />
          <LinkNotice />
          <ErrorBanner />
          <ResumeBanner />
          <div className="view-panel" id={`panel-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`}>
            <View />
          </div>
        </main>
        <RunSidebar />
      </div>
      <StatusLine />
    </div>
  );
}
