import { useMutation } from '@tanstack/react-query';

import { apiFile } from '@/lib/api';
import { saveFile } from '@/lib/download';

export type InvoiceFileKind = 'xml' | 'pdf';

/** GET /invoices/{id}/xml (the issued UBL) or /pdf, saved under the server's file name. */
export async function downloadInvoiceFile({
  id,
  kind,
  number,
}: {
  id: string;
  kind: InvoiceFileKind;
  number: string | null;
}): Promise<void> {
  const file = await apiFile(`/invoices/${encodeURIComponent(id)}/${kind}`);
  saveFile(file, `${number ?? id}.${kind}`);
}

export function useDownloadInvoiceFile() {
  return useMutation({ mutationFn: downloadInvoiceFile });
}
