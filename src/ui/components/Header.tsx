export function Header() {
  return (
    <header className="app-header">
      <div className="brand">
        <svg className="brand-logo" viewBox="0 0 32 32" aria-hidden="true">
          <rect x="3" y="6" width="12" height="12" rx="2" fill="#5b8def" />
          <circle cx="23" cy="20" r="6" fill="#f0a35b" />
          <path d="M15 12 L17 20" stroke="#c9d1e0" strokeWidth="1.6" strokeDasharray="2 2" />
        </svg>
        <h1>CLIP Lab</h1>
      </div>
      <p className="tagline">Train a small CLIP model in your browser and watch images and captions learn a shared embedding space.</p>
    </header>
  );
}
