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
import { notifications } from '@mantine/notifications';
import { IconPencil, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { useCan } from '@/lib/auth';

import { useDeleteSupplier, useSuppliers } from '../api/suppliers';
import type { Supplier } from '../api/types';
import { SupplierFormModal } from './supplier-form-modal';

const PAGE_SIZE = 20;

export function SuppliersTable() {
  const { t, i18n } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const suppliers = useSuppliers({ q: debounced, page, pageSize: PAGE_SIZE });
  const total = suppliers.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // The API refuses these without ap:manage; the buttons are hidden so nobody meets a 403.
  const canManage = useCan('ap:manage');
  const [editing, setEditing] = useState<Supplier | null>(null);
  const [deleting, setDeleting] = useState<Supplier | null>(null);
  const remove = useDeleteSupplier();
  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };
  const confirmDelete = () => {
    if (!deleting) return;
    const name = deleting.legal_name;
    remove.mutate(deleting.id, {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: t('payables.suppliers.deleted', { name }) });
        closeDelete();
      },
    });
  };
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
                {canManage && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {suppliers.data?.items.map((supplier) => (
                <Table.Tr key={supplier.id} data-testid="supplier-row">
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text size="sm" fw={600}>
                        {supplier.legal_name}
                      </Text>
                      {!supplier.is_active && (
                        <Badge color="gray" variant="light" data-testid="supplier-inactive">
                          {t('payables.suppliers.inactive')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td dir="ltr">{supplier.trn ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{supplier.email ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{supplier.peppol_id ?? '—'}</Table.Td>
                  <Table.Td>
                    {supplier.payment_terms_days === null
                      ? '—'
                      : t('payables.suppliers.days', { count: supplier.payment_terms_days })}
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <ActionIcon
                          variant="subtle"
                          aria-label={t('payables.suppliers.editOf', { name: supplier.legal_name })}
                          onClick={() => setEditing(supplier)}
                          data-testid="edit-supplier"
                        >
                          <IconPencil size={16} aria-hidden />
                        </ActionIcon>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('payables.suppliers.deleteOf', {
                            name: supplier.legal_name,
                          })}
                          onClick={() => setDeleting(supplier)}
                          data-testid="delete-supplier"
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
      {editing && (
        <SupplierFormModal
          key={editing.id}
          supplier={editing}
          opened
          onClose={() => setEditing(null)}
        />
      )}
      <Modal
        opened={deleting !== null}
        onClose={closeDelete}
        title={t('payables.suppliers.deleteTitle')}
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            {t('payables.suppliers.deleteBody', { name: deleting?.legal_name ?? '' })}
          </Text>
          {/* A refusal (409 supplier_in_use) in the API's words: it says why and what to do. */}
          {remove.isError && <ApiErrorAlert error={remove.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={closeDelete}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              disabled={remove.isError}
              onClick={confirmDelete}
              data-testid="confirm-delete-supplier"
            >
              {t('payables.suppliers.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
