/** The state of an import run, as the page shows it. */

type Status = 'queued' | 'validating' | 'importing' | 'succeeded' | 'partial' | 'failed';

const FINISHED: ReadonlySet<Status> = new Set(['succeeded', 'partial', 'failed']);

export function isFinished(status: Status): boolean {
  return FINISHED.has(status);
}

/**
 * Percent done (0-100, whole numbers). A background run validates every row, then imports every
 * row, so each pass is half of the bar; a finished run is full whatever its counts say.
 */
export function progressPercent(job: {
  status: Status;
  rows_done: number;
  rows_total: number;
}): number {
  if (isFinished(job.status)) return 100;
  if (job.rows_total <= 0) return 0;
  const share = Math.min(1, Math.max(0, job.rows_done / job.rows_total));
  const percent =
    job.status === 'importing' ? 50 + share * 50 : job.status === 'validating' ? share * 50 : 0;
  return Math.floor(percent);
}

export type RowErrors = {
  row: number;
  errors: { column: string | null; value: string | null; message: string }[];
};

/** The errors grouped by spreadsheet row, in row order (a row may break several rules). */
export function errorsByRow(
  errors: readonly { row: number; column: string | null; value: string | null; message: string }[],
): RowErrors[] {
  const rows = new Map<number, RowErrors['errors']>();
  for (const { row, ...rest } of errors) {
    const list = rows.get(row) ?? [];
    list.push(rest);
    rows.set(row, list);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, list]) => ({ row, errors: list }));
}
