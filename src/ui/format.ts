// Number formatting for the UI.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? '–' : intFmt.format(Math.round(v));
}

/** Compact count: 1.2k, 3.4M. */
export function fmtCount(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return fmtInt(v);
}

/** A float with `sig` significant digits; exponent form for very small / large values. */
export function fmtNum(v: number | null | undefined, sig = 3): string {
  if (v == null || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(Math.max(0, sig - 1));
  return Number(v.toPrecision(sig)).toString();
}

export function fmtFixed(v: number | null | undefined, digits = 2): string {
  return v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function fmtPct(v: number | null | undefined, digits = 1): string {
  return v == null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

export function fmtMB(bytes: number | null | undefined): string {
  return bytes == null || !Number.isFinite(bytes) ? '–' : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms <= 0) return '–';
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** Duration in seconds as "1h 02m", "3m 05s", "12s". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Megabytes for storage figures: one decimal below 100 MB, whole (grouped) above. */
export function fmtMBWhole(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '–';
  const mb = bytes / (1024 * 1024);
  return mb < 100 ? `${mb.toFixed(1)} MB` : `${intFmt.format(Math.round(mb))} MB`;
}

/** Local date and time as "2025-03-14 09:26" (the ISO input is kept when unparsable). */
export function fmtDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What a dataset keeps of its images besides the training pixels ("originals", "up to 256 px"), or null. */
export function fmtKeptImages(k: { kind: 'original' } | { kind: 'resized'; shortSide: number } | null | undefined): string | null {
  if (!k) return null;
  return k.kind === 'original' ? 'original images kept' : `images kept up to ${k.shortSide} px`;
}
