import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, apiFile } from '@/lib/api';
import { saveFile } from '@/lib/download';

import { isFinished } from '../lib/progress';

export type ImportKind = 'invoices' | 'customers' | 'suppliers' | 'purchase_orders';

export const IMPORT_KINDS: ImportKind[] = ['customers', 'suppliers', 'invoices', 'purchase_orders'];

export type ImportStatus =
  'queued' | 'validating' | 'importing' | 'succeeded' | 'partial' | 'failed';

export type ImportRowError = {
  row: number;
  column: string | null;
  value: string | null;
  message: string;
};

export type ImportSummary = {
  id: string;
  kind: ImportKind;
  status: ImportStatus;
  dry_run: boolean;
  skip_invalid: boolean;
  file_name: string | null;
  file_format: 'csv' | 'xlsx';
  rows_total: number;
  rows_done: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  skipped_count: number;
  invalid_count: number;
  error_count: number;
  message: string | null;
  created_at: string;
  finished_at: string | null;
};

export type ImportJob = ImportSummary & {
  errors: ImportRowError[];
  results: { row: number; key: string; action: string; message: string | null }[];
};

/** GET /imports/templates/{kind}?format=: the columns with example rows, saved as a file. */
export async function downloadTemplate({
  kind,
  format,
}: {
  kind: ImportKind;
  format: 'csv' | 'xlsx';
}) {
  const file = await apiFile(`/imports/templates/${encodeURIComponent(kind)}`, {
    params: { format },
  });
  saveFile(file, `${kind}-template.${format}`);
}

export function useDownloadTemplate() {
  return useMutation({ mutationFn: downloadTemplate });
}

/** GET /imports/{id}/errors.csv: every error of the run. */
export async function downloadErrorReport(id: string) {
  const file = await apiFile(`/imports/${encodeURIComponent(id)}/errors.csv`);
  saveFile(file, `import-${id}-errors.csv`);
}

export function useDownloadErrorReport() {
  return useMutation({ mutationFn: downloadErrorReport });
}

export type ImportUpload = { file: File; kind: ImportKind; dryRun: boolean; skipInvalid: boolean };

/**
 * POST /imports (multipart). 201: done in the request; 202: queued as a background job (poll it);
 * 200: this very file was imported before (that run is returned).
 */
export function uploadImport({ file, kind, dryRun, skipInvalid }: ImportUpload) {
  const body = new FormData();
  body.append('kind', kind);
  body.append('dry_run', String(dryRun));
  body.append('skip_invalid', String(skipInvalid));
  body.append('file', file);
  return api<ImportJob>('/imports', { method: 'POST', body });
}

export function useUploadImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: uploadImport,
    onSuccess: (job) => {
      queryClient.setQueryData(['imports', 'detail', job.id], job);
      return queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
}

/** GET /imports/{id}, polled every second while the run is still going. */
export function useImportJob(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: ['imports', 'detail', id],
    queryFn: async () => {
      const job = await api<ImportJob>(`/imports/${encodeURIComponent(id ?? '')}`);
      if (isFinished(job.status))
        void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
      return job;
    },
    enabled: id !== null,
    staleTime: 0,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status !== undefined && !isFinished(status) ? 1000 : false;
    },
  });
}

export function useImports() {
  return useQuery({
    queryKey: ['imports', 'list'],
    queryFn: () =>
      api<{ items: ImportSummary[]; total: number }>('/imports', { params: { page_size: 10 } }),
    staleTime: 5_000,
  });
}
