import { Group, Pagination, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';

import { useSuppliers } from '../api/suppliers';

const PAGE_SIZE = 20;

export function SuppliersTable() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const suppliers = useSuppliers({ q: debounced, page, pageSize: PAGE_SIZE });
  const total = suppliers.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Stack>
      <TextInput
        leftSection={<IconSearch size={16} aria-hidden />}
        label={t('payables.suppliers.search')}
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      {suppliers.isError && <ApiErrorAlert error={suppliers.error} />}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={720} label={t('payables.suppliers.title')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="suppliers-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payables.suppliers.legalName')}</Table.Th>
                <Table.Th>{t('payables.suppliers.trn')}</Table.Th>
                <Table.Th>{t('payables.suppliers.email')}</Table.Th>
                <Table.Th>{t('payables.suppliers.peppolId')}</Table.Th>
                <Table.Th>{t('payables.suppliers.paymentTerms')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {suppliers.data?.items.map((supplier) => (
                <Table.Tr key={supplier.id} data-testid="supplier-row">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {supplier.legal_name}
                    </Text>
                  </Table.Td>
                  <Table.Td dir="ltr">{supplier.trn ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{supplier.email ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{supplier.peppol_id ?? '—'}</Table.Td>
                  <Table.Td>
                    {supplier.payment_terms_days === null
                      ? '—'
                      : t('payables.suppliers.days', { count: supplier.payment_terms_days })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {suppliers.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" p="lg">
            {t('payables.suppliers.none')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('common.totalCount', {
            formatted: new Intl.NumberFormat(i18n.language).format(total),
          })}
        </Text>
        <Pagination
          total={pages}
          value={page}
          onChange={setPage}
          getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })}
          getItemProps={(item) => ({ 'aria-label': t('common.pagination.page', { page: item }) })}
        />
      </Group>
    </Stack>
  );
}
