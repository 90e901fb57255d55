import type { InwardStatus, MatchStatus } from '../api/types';

/** The review actions a status allows, as payables/inward_invoices/workflow.py does. */
export type InwardActionName =
  'match' | 'approve-variance' | 'hold' | 'dispute' | 'release' | 'accept' | 'reject' | 'mark-paid';

const HOLDABLE: ReadonlySet<InwardStatus> = new Set(['RECEIVED', 'NEEDS_REVIEW', 'READY_TO_PAY']);
const DISPUTABLE: ReadonlySet<InwardStatus> = new Set([
  'RECEIVED',
  'NEEDS_REVIEW',
  'READY_TO_PAY',
  'ON_HOLD',
]);
const REJECTABLE: ReadonlySet<InwardStatus> = new Set([
  'RECEIVED',
  'NEEDS_REVIEW',
  'ON_HOLD',
  'DISPUTED',
]);
const APPROVABLE_MATCH: ReadonlySet<MatchStatus> = new Set(['VARIANCE_DETECTED', 'PARTIAL_MATCH']);

export function inwardActions(status: InwardStatus, matching: MatchStatus): Set<InwardActionName> {
  const allowed = new Set<InwardActionName>();
  if (HOLDABLE.has(status)) {
    allowed.add('match');
    allowed.add('hold');
  }
  if (status === 'NEEDS_REVIEW' && APPROVABLE_MATCH.has(matching)) allowed.add('approve-variance');
  if (DISPUTABLE.has(status)) allowed.add('dispute');
  if (status === 'ON_HOLD' || status === 'DISPUTED') allowed.add('release');
  if (REJECTABLE.has(status)) allowed.add('reject');
  if (status === 'READY_TO_PAY') {
    allowed.add('accept');
    allowed.add('mark-paid');
  }
  return allowed;
}
