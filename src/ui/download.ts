// Browser downloads of what a worker produced (exported datasets and model files).

/** Saves a Blob through an object URL and a temporary <a download>. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: the download may not have read the Blob yet.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
