import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCustomer } from '../api/get-customer';
import { useCustomers } from '../api/list-customers';

type CustomerFilterProps = { value: string | null; onChange: (id: string | null) => void };

/** A searchable customer choice for list filters (no "new customer" here). */
export function CustomerFilter({ value, onChange }: CustomerFilterProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const customers = useCustomers({ search: debounced, pageSize: 20 });
  const selected = useCustomer(value);
  const options = new Map<string, string>();
  if (selected.data) options.set(selected.data.id, selected.data.legal_name);
  for (const customer of customers.data?.items ?? []) options.set(customer.id, customer.legal_name);
  return (
    <Select
      label={t('invoices.form.customer')}
      placeholder={t('customers.searchPlaceholder')}
      searchable
      clearable
      value={value}
      onChange={onChange}
      filter={({ options: all }) => all}
      onSearchChange={(next) => setSearch(next === options.get(value ?? '') ? '' : next)}
      data={[...options].map(([id, label]) => ({ value: id, label }))}
      nothingFoundMessage={t('customers.none')}
    />
  );
}
