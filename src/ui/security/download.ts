/**
 * Offers text as a file download. A Blob URL and a temporary anchor keep this inside a strict CSP
 * (no inline script, no `data:` navigation); the URL is revoked once the click has been handled.
 */
export function downloadTextFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
