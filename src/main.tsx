import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './ui/styles.css';
import { startDataClient } from './ui/dataClient';
import { startTrainerClient } from './ui/trainerClient';

// The workers are created once, outside React (StrictMode double-mounts effects).
startTrainerClient();
startDataClient();

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
