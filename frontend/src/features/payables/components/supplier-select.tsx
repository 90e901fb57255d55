import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useSuppliers } from '../api/suppliers';
import type { Supplier } from '../api/types';

type SupplierSelectProps = {
  value: Supplier | null;
  onChange: (supplier: Supplier | null) => void;
  error?: string | null;
  /** Leave out deactivated suppliers (the API refuses new purchase orders for them). */
  activeOnly?: boolean;
  label?: string;
};

/** Picks a supplier by name or TRN (searched on the server). */
export function SupplierSelect({
  value,
  onChange,
  error,
  activeOnly = false,
  label,
}: SupplierSelectProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const suppliers = useSuppliers({ q: debounced, page: 1, pageSize: 50, activeOnly });
  const known = new Map((suppliers.data?.items ?? []).map((s) => [s.id, s]));
  if (value !== null) known.set(value.id, value);
  return (
    <Select
      label={label ?? t('payables.orders.supplier')}
      placeholder={t('payables.orders.pickSupplier')}
      searchable
      required
      data={[...known.values()].map((supplier) => ({
        value: supplier.id,
        label: supplier.trn ? `${supplier.legal_name} · ${supplier.trn}` : supplier.legal_name,
      }))}
      value={value?.id ?? null}
      onChange={(id) => onChange(id === null ? null : (known.get(id) ?? null))}
      onSearchChange={setSearch}
      nothingFoundMessage={t('payables.suppliers.none')}
      error={error}
      data-testid="supplier-select"
    />
  );
}
