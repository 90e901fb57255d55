import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

import type { InvoiceStatus } from '../api/types';

const COLORS: Record<InvoiceStatus, string> = {
  DRAFT: 'gray',
  FINALIZED: 'indigo',
  APPROVED: 'violet',
  SENT: 'blue',
  DELIVERED: 'cyan',
  ACCEPTED: 'teal',
  REJECTED: 'red',
  FAILED: 'red',
  CANCELLED: 'dark',
  PAID: 'green',
};

export function StatusBadge({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status]} variant="light" data-testid="invoice-status" data-status={status}>
      {t(`invoices.status.${status}`)}
    </Badge>
  );
}
