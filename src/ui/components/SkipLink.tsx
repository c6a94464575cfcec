import type { ReactNode } from 'react';

/** A link to a part of the page that moves focus there without touching the address's hash
 *  (the hash names the view, see stores/routeStore.ts). */
export function SkipLink({ target, className, children }: { target: string; className?: string; children: ReactNode }) {
  return (
    <a
      className={className}
      href={`#${target}`}
      onClick={(e) => {
        e.preventDefault();
        const el = document.getElementById(target);
        el?.scrollIntoView({ block: 'start' });
        el?.focus({ preventScroll: true });
      }}
    >
      {children}
    </a>
  );
}
