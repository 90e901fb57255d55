/**
 * The goods-receipt form: how much of each order line is still to come, and whether what the
 * user typed can be booked (the API refuses more than ordered without the over-receipt flag).
 */
import type { PurchaseOrderLine } from '../api/types';
import { fromMicro, toMicro } from './decimal';

/** Ordered minus accepted so far (rejected goods are still owed); never below 0. */
export function outstandingQuantity(
  line: Pick<PurchaseOrderLine, 'quantity' | 'accepted_quantity'>,
) {
  const ordered = toMicro(line.quantity) ?? 0n;
  const accepted = toMicro(line.accepted_quantity) ?? 0n;
  return fromMicro(ordered > accepted ? ordered - accepted : 0n);
}

export type ReceiptLineDraft = { lineId: string; received: string; rejected: string };

export type ReceiptLineProblem = 'notNumber' | 'negative' | 'rejectedAboveReceived' | 'overOrdered';

export type ReceiptCheck = {
  /** Per order line id, the first problem of that line. */
  problems: Record<string, ReceiptLineProblem>;
  /** The lines with something received, as the API takes them. */
  lines: { purchase_order_line_id: string; quantity_received: string; quantity_rejected: string }[];
};

/**
 * Checks the typed quantities against the order. An empty or zero "received" skips the line; a
 * receipt needs at least one line (`lines` empty means nothing to book).
 */
export function checkReceipt(
  orderLines: readonly PurchaseOrderLine[],
  drafts: readonly ReceiptLineDraft[],
  allowOverReceipt: boolean,
): ReceiptCheck {
  const problems: Record<string, ReceiptLineProblem> = {};
  const lines: ReceiptCheck['lines'] = [];
  for (const draft of drafts) {
    const line = orderLines.find((candidate) => candidate.id === draft.lineId);
    if (line === undefined) continue;
    const receivedText = draft.received.trim();
    const rejectedText = draft.rejected.trim() || '0';
    if (receivedText === '' && rejectedText === '0') continue;
    const received = toMicro(receivedText || '0');
    const rejected = toMicro(rejectedText);
    if (received === null || rejected === null) {
      problems[line.id] = 'notNumber';
      continue;
    }
    if (received < 0n || rejected < 0n) {
      problems[line.id] = 'negative';
      continue;
    }
    if (rejected > received) {
      problems[line.id] = 'rejectedAboveReceived';
      continue;
    }
    if (received === 0n) continue;
    const outstanding = toMicro(outstandingQuantity(line)) ?? 0n;
    if (!allowOverReceipt && received - rejected > outstanding) {
      problems[line.id] = 'overOrdered';
      continue;
    }
    lines.push({
      purchase_order_line_id: line.id,
      quantity_received: fromMicro(received),
      quantity_rejected: fromMicro(rejected),
    });
  }
  return { problems, lines };
}
