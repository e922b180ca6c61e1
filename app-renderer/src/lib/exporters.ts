import type { Row } from '../../../app-main/src/common/contract';

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function rowsToCsv(columns: readonly string[], rows: readonly Row[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] ?? '')).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function rowsToJson(rows: readonly Row[]): string {
  return JSON.stringify(rows, null, 2) + '\n';
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** File-name safe version of a menu path or router name. */
export function fileSafe(s: string): string {
  return (
    s
      .replace(/^\/+/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'export'
  );
}

/**
 * Saves data as a file through a Blob URL and a download link: works in Electron and in the browser
 * host without any Node API, and needs nothing beyond `img-src`/`connect-src` under our CSP.
 */
export function downloadFile(fileName: string, mime: string, data: string | Uint8Array<ArrayBuffer>): void {
  const blob = new Blob([data], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke after the click has been dispatched; the download already holds the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
