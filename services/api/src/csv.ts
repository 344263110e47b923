/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break; a leading formula sign is defused, as a
 * spreadsheet would run "=…", "+…", "-…", "@…" as a formula (CSV injection). Numbers keep two decimals.
 *
 * @example csvField('=SUM(A1)') // "'=SUM(A1)"
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(Math.round(value * 100) / 100) : value;
  if (/^[=+\-@]/.test(text) && typeof value !== 'number') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (CRLF-terminated, as RFC 4180 writes it). */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
