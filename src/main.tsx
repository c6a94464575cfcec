import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './ui/styles.css';
import { startDataClient } from './ui/dataClient';
import { startTrainerClient } from './ui/trainerClient';
import { startUrlSync } from './ui/urlSync';

// The address's run settings first (the worker's init reads the backend choice), then the workers,
// created once, outside React (StrictMode double-mounts effects).
startUrlSync();
startTrainerClient();
startDataClient();

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
