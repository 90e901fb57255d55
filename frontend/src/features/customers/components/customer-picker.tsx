import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type Customer, useCustomers } from '../api/list-customers';
import { useCustomer } from '../api/get-customer';
import { CustomerFormModal } from './customer-form-modal';

export type CustomerPickerProps = {
  value: string | null;
  onChange: (customerId: string | null) => void;
  error?: string | undefined;
  /** May the user add customers (customer:manage)? */
  canCreate?: boolean;
};

function label(customer: Pick<Customer, 'legal_name' | 'trn'>): string {
  return customer.trn ? `${customer.legal_name} · ${customer.trn}` : customer.legal_name;
}

/** Pick a customer by name, TRN or e-mail (searched on the server), or add a new one. */
export function CustomerPicker({ value, onChange, error, canCreate = true }: CustomerPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [creating, setCreating] = useState(false);
  const customers = useCustomers({ search: debounced, pageSize: 20 });
  const selected = useCustomer(value);

  const options = new Map<string, string>();
  if (selected.data) options.set(selected.data.id, label(selected.data));
  for (const customer of customers.data?.items ?? []) options.set(customer.id, label(customer));
  const selectedLabel = value !== null ? options.get(value) : undefined;

  return (
    <Stack gap={4}>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <Select
          style={{ flex: 1 }}
          label={t('invoices.form.customer')}
          placeholder={t('customers.searchPlaceholder')}
          searchable
          clearable
          required
          value={value}
          onChange={onChange}
          // Searching on the server: show every option it returned.
          filter={({ options: all }) => all}
          onSearchChange={(next) =>
            // Selecting fills the box with the label; that is not a new search.
            setSearch(next === selectedLabel ? '' : next)
          }
          data={[...options].map(([id, text]) => ({ value: id, label: text }))}
          nothingFoundMessage={customers.isFetching ? t('common.loading') : t('customers.none')}
          error={error}
          data-testid="customer-select"
        />
        {canCreate && (
          <Button
            variant="default"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setCreating(true)}
            data-testid="new-customer"
          >
            {t('customers.new')}
          </Button>
        )}
      </Group>
      {selected.data && !selected.data.peppol_id && (
        <Text size="xs" c="orange.9">
          {t('customers.noPeppolId')}
        </Text>
      )}
      <CustomerFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        initialName={search}
        onCreated={(customer) => {
          setSearch('');
          onChange(customer.id);
        }}
      />
    </Stack>
  );
}
