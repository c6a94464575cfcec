// The Content Security Policy of the app (README "Content Security Policy"). vite.config.ts
// sends it as an HTTP header from `vite` and `vite preview` and writes it into the built
// index.html as a <meta>; e2e/csp.spec.ts checks it in the browser.
//
// Scripts, workers, WebAssembly and connections come from the app's own origin only. The two
// relaxations are what tfjs-backend-wasm 4.22 needs in the trainer worker. A worker loaded
// from a URL takes the policy sent with its own script (not the page's, and a <meta> cannot
// reach it); a blob: worker inherits its creator's. The page itself needs neither, but the
// same policy goes on every response: static headers cannot tell a worker script from a page.
// - 'wasm-unsafe-eval' lets the worker compile the .wasm binaries (served from this origin,
//   src/backend/wasmPaths.ts). It allows WebAssembly compilation only, not JavaScript eval.
// - blob: in worker-src and script-src: the threaded SIMD build, used whenever the page is
//   cross-origin isolated, starts a pool of 8 pthread workers (whatever the core count) from
//   a blob: URL of its worker source, and each importScripts() a blob: holding the module
//   factory's source text. Without blob: in worker-src the backend selection never finishes,
//   with no error; without it in script-src every pthread worker fails to load. A blob: URL
//   can only be minted by script already running in this origin.
// Style attributes set by React and uPlot go through the CSSOM (element.style), which CSP
// does not govern, and the built CSS is a file: so style-src needs no 'unsafe-inline'. The
// app shows images on canvases, never as <img> from data: or blob: URLs: img-src 'self'.
import { createHash } from 'node:crypto';

/** @typedef {Readonly<Record<string, readonly string[]>>} Directives */

/** The production policy: `vite preview`'s header. @type {Directives} */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'img-src': ["'self'"],
  'style-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Directives a <meta> policy may not carry (the browser ignores them there, with a console error). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** @param {Directives} directives @returns {string} */
export function serializeCsp(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * The policy of the built index.html's <meta http-equiv="Content-Security-Policy">.
 * @param {Directives} [directives] @returns {string}
 */
export function metaCsp(directives = CSP_DIRECTIVES) {
  return serializeCsp(Object.fromEntries(Object.entries(directives).filter(([name]) => !HEADER_ONLY.has(name))));
}

/** A CSP hash source ('sha256-…') allowing exactly this inline script text. @param {string} text */
export function sha256Source(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The dev server's policy: the production one plus what `vite` itself injects.
 * - The React-refresh preamble, an inline module script in the served index.html: allowed
 *   by the hash of its exact text (inlineScripts), nothing else inline.
 * - Vite's dev client inserts every imported CSS file as a <style> element: style-src
 *   'unsafe-inline', in dev only (the build links the CSS as a file).
 * @param {readonly string[]} inlineScripts @returns {Directives}
 */
export function devCspDirectives(inlineScripts) {
  return {
    ...CSP_DIRECTIVES,
    'script-src': [...CSP_DIRECTIVES['script-src'], ...inlineScripts.map(sha256Source)],
    'style-src': [...CSP_DIRECTIVES['style-src'], "'unsafe-inline'"],
  };
}
