import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPencil, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ScrollTable } from '@/components/scroll-table';
import { ApiErrorAlert } from '@/components/api-error-alert';

import { useCan } from '@/lib/auth';

import { useDeleteCustomer } from '../api/delete-customer';
import { type Customer, useCustomers } from '../api/list-customers';
import { CustomerFormModal } from './customer-form-modal';

const PAGE_SIZE = 20;

export function CustomersTable() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const customers = useCustomers({ search: debounced, page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil((customers.data?.total ?? 0) / PAGE_SIZE));
  const number = new Intl.NumberFormat(i18n.language);
  const canManage = useCan('customer:manage');
  const [editing, setEditing] = useState<Customer | null>(null);
  const [deleting, setDeleting] = useState<Customer | null>(null);
  const remove = useDeleteCustomer();
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };
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
                {canManage && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {customers.data?.items.map((customer) => (
                <Table.Tr key={customer.id} data-testid="customer-row">
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
                  {canManage && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          aria-label={t('customers.editOf', { name: customer.legal_name })}
                          onClick={() => setEditing(customer)}
                        >
                          <IconPencil size={16} aria-hidden />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('customers.deleteOf', { name: customer.legal_name })}
                          onClick={() => setDeleting(customer)}
                        >
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Group>
                    </Table.Td>
                  )}
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
      {editing && (
        <CustomerFormModal
          key={editing.id}
          customer={editing}
          opened
          onClose={() => setEditing(null)}
        />
      )}
      <Modal
        opened={deleting !== null}
        onClose={closeDelete}
        title={t('customers.deleteTitle')}
        centered
      >
        <Stack gap="md">
          <Text size="sm">{t('customers.deleteBody', { name: deleting?.legal_name ?? '' })}</Text>
          {remove.isError && <ApiErrorAlert error={remove.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={closeDelete}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              disabled={remove.isError}
              onClick={() => deleting && remove.mutate(deleting.id, { onSuccess: closeDelete })}
            >
              {t('customers.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
