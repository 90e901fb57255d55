import { Badge, Group, Pagination, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ScrollTable } from '@/components/scroll-table';
import { ApiErrorAlert } from '@/components/api-error-alert';

import { useCustomers } from '../api/list-customers';

const PAGE_SIZE = 20;

export function CustomersTable() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const customers = useCustomers({ search: debounced, page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil((customers.data?.total ?? 0) / PAGE_SIZE));
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <Stack>
      <TextInput
        leftSection={<IconSearch size={16} aria-hidden />}
        label={t('customers.search')}
        placeholder={t('customers.searchPlaceholder')}
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setPage(1);
        }}
        maw={420}
      />
      {customers.isError && <ApiErrorAlert error={customers.error} />}
      <Paper withBorder radius="md">
        <ScrollTable minWidth={720} label={t('customers.title')}>
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('fields.legalName')}</Table.Th>
                <Table.Th>{t('fields.trn')}</Table.Th>
                <Table.Th>{t('fields.email')}</Table.Th>
                <Table.Th>{t('fields.city')}</Table.Th>
                <Table.Th>{t('customers.peppolId')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customers.data?.items.map((customer) => (
                <Table.Tr key={customer.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {customer.legal_name}
                    </Text>
                  </Table.Td>
                  <Table.Td dir="ltr">{customer.trn ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{customer.email}</Table.Td>
                  <Table.Td>
                    {customer.address.city}
                    {customer.address.emirate
                      ? `, ${t(`emirates.${customer.address.emirate as 'DXB'}`)}`
                      : ''}
                  </Table.Td>
                  <Table.Td>
                    {customer.peppol_id ? (
                      <Text size="sm" dir="ltr" span>
                        {customer.peppol_id}
                      </Text>
                    ) : (
                      <Badge color="orange" variant="light">
                        {t('customers.missing')}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
        {customers.data?.items.length === 0 && (
          <Text c="dimmed" ta="center" p="lg">
            {t('customers.none')}
          </Text>
        )}
      </Paper>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t('common.totalCount', { formatted: number.format(customers.data?.total ?? 0) })}
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
