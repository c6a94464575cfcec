// The app's views, each with its own address (#data, #models, #try, #gap; Train has none). A new view plugs in
// by adding one entry here: the tab bar, the address handling and the main area follow this list.
import type { ComponentType } from 'react';
import { DataView } from './components/DataView';
import { ModelsView } from './components/ModelsView';
import { DataBadge, ModelsBadge, TrainBadge } from './components/TabBadges';
import { TrainView } from './components/TrainView';
import { GapView } from './views/gap/GapView';
import { TryView } from './views/try/TryView';
import { registerViews } from './stores/routeStore';

export interface RouteEntry {
  /** The address: `#${id}` (the first route is the default, with no hash). */
  id: string;
  /** Tab label. */
  label: string;
  View: ComponentType;
  /** Small live marker next to the label (running, counts). */
  Badge?: ComponentType;
}

export const ROUTES: readonly RouteEntry[] = [
  { id: 'train', label: 'Train', View: TrainView, Badge: TrainBadge },
  { id: 'data', label: 'Data', View: DataView, Badge: DataBadge },
  { id: 'models', label: 'Models', View: ModelsView, Badge: ModelsBadge },
  { id: 'try', label: 'Try', View: TryView },
  { id: 'gap', label: 'Gap lab', View: GapView },
];

registerViews(ROUTES.map((r) => r.id));

export function routeOf(id: string): RouteEntry {
  return ROUTES.find((r) => r.id === id) ?? ROUTES[0]!;
}
