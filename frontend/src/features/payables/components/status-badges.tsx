import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { InwardStatus, MatchStatus, PurchaseOrderStatus } from '../api/types';

const ORDER_COLORS: Record<PurchaseOrderStatus, string> = {
  DRAFT: 'gray',
  SENT: 'blue',
  PARTIALLY_RECEIVED: 'yellow',
  RECEIVED: 'teal',
  CLOSED: 'dark',
  CANCELLED: 'red',
};

const INWARD_COLORS: Record<InwardStatus, string> = {
  RECEIVED: 'blue',
  NEEDS_REVIEW: 'orange',
  READY_TO_PAY: 'teal',
  ON_HOLD: 'gray',
  DISPUTED: 'red',
  REJECTED: 'red',
  PAID: 'green',
};

export const MATCH_COLORS: Record<MatchStatus, string> = {
  FULL_MATCH: 'teal',
  VARIANCE_DETECTED: 'yellow',
  PARTIAL_MATCH: 'orange',
  NOT_MATCHED: 'red',
};

export function OrderStatusBadge({ status }: { status: PurchaseOrderStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={ORDER_COLORS[status]}
      variant="light"
      data-testid="po-status"
      data-status={status}
    >
      {t(`payables.orderStatus.${status}`)}
    </Badge>
  );
}

export function InwardStatusBadge({ status }: { status: InwardStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={INWARD_COLORS[status]}
      variant="light"
      data-testid="inward-status"
      data-status={status}
    >
      {t(`payables.inwardStatus.${status}`)}
    </Badge>
  );
}

export function MatchStatusBadge({ status }: { status: MatchStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={MATCH_COLORS[status]}
      variant="dot"
      data-testid="match-status"
      data-status={status}
    >
      {t(`payables.matchStatus.${status}`)}
    </Badge>
  );
}
