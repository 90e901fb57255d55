import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Loader,
  Modal,
  Pagination,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconSearch } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { saveFile } from '@/lib/download';
import { formatDate, formatDateTime } from '@/lib/format';

import {
  type AdminCompany,
  COMPANY_STATUSES,
  type CompanyDocument,
  type CompanyStatus,
  NEEDS_REASON,
  PAGE_SIZE,
  type Transition,
  downloadCompanyDocument,
  useAssignPlan,
  useChangeCompanyStatus,
  useCompanies,
} from '../api/companies';
import { usePlans } from '../api/plans';

const STATUS_COLORS: Record<CompanyStatus, string> = {
  PENDING_APPROVAL: 'yellow',
  ACTIVE: 'teal',
  SUSPENDED: 'orange',
  REJECTED: 'red',
};

/** What a super admin may do to a company in each status (the API's state machine). */
const TRANSITIONS: Record<CompanyStatus, Transition[]> = {
  PENDING_APPROVAL: ['approve', 'reject'],
  ACTIVE: ['suspend'],
  SUSPENDED: ['reactivate'],
  REJECTED: [],
};

function formatSize(bytes: number, language: string): string {
  const kb = bytes / 1024;
  return kb < 1024
    ? `${new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(Math.max(kb, 1))} KB`
    : `${new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(kb / 1024)} MB`;
}

function DocumentLink({ company, document }: { company: AdminCompany; document: CompanyDocument }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      saveFile(await downloadCompanyDocument(company.id, document.id), document.filename);
    } catch (error) {
      notifications.show({
        color: 'red',
        title: t('errors.generic'),
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        variant="default"
        size="compact-sm"
        leftSection={<IconDownload size={14} aria-hidden />}
        onClick={() => void download()}
        loading={busy}
        aria-label={t('admin.companies.downloadDocument', { name: document.filename })}
        data-testid="company-document"
      >
        <Text span size="sm" truncate maw={220}>
          {document.filename}
        </Text>
      </Button>
      <Text size="xs" c="dimmed">
        {t(`admin.documentKinds.${document.kind}`)} ·{' '}
        {formatSize(document.size_bytes, i18n.language)}
      </Text>
    </Group>
  );
}

type ReasonDialog = { company: AdminCompany; transition: Transition } | null;

function CompanyCard({
  company,
  onAction,
}: {
  company: AdminCompany;
  onAction: (company: AdminCompany, transition: Transition) => void;
}) {
  const { t, i18n } = useTranslation();
  const plans = usePlans();
  const assign = useAssignPlan();
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      data-testid="company-card"
      data-company-id={company.id}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={2}>
            <Title order={3} size="h5">
              {company.legal_name}
            </Title>
            <Text size="sm" c="dimmed" dir="ltr" ta="start">
              {t('admin.companies.trn')}: {company.trn}
            </Text>
          </Stack>
          <Badge color={STATUS_COLORS[company.status]} data-testid="company-status">
            {t(`admin.companyStatus.${company.status}`)}
          </Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Text size="sm">
            <strong>{t('admin.companies.registered')}:</strong>{' '}
            {formatDateTime(company.created_at, i18n.language)}
          </Text>
          <Text size="sm">
            <strong>{t('admin.companies.contact')}:</strong>{' '}
            <Anchor href={`mailto:${company.email}`} size="sm" dir="ltr">
              {company.email}
            </Anchor>{' '}
            <span dir="ltr">{company.phone}</span>
          </Text>
          <Text size="sm">
            <strong>{t('admin.companies.address')}:</strong> {company.address.line1},{' '}
            {company.address.city},{' '}
            {t(`emirates.${company.address.emirate}`, company.address.emirate)}
          </Text>
          <Text size="sm">
            <strong>{t('admin.companies.legalRegistration')}:</strong>{' '}
            {company.legal_registration.type} {company.legal_registration.id}
            {company.legal_registration.authority
              ? ` (${company.legal_registration.authority})`
              : ''}
          </Text>
          {company.admins.length > 0 && (
            <Text size="sm">
              <strong>{t('admin.companies.admins')}:</strong>{' '}
              {company.admins.map((admin) => `${admin.full_name} <${admin.email}>`).join(', ')}
            </Text>
          )}
          {company.approved_at && (
            <Text size="sm">
              <strong>{t('admin.companies.approvedAt')}:</strong>{' '}
              {formatDate(company.approved_at, i18n.language)}
            </Text>
          )}
        </SimpleGrid>
        {company.status_reason && (
          <Text size="sm" c="dimmed">
            <strong>{t('admin.companies.reason')}:</strong> {company.status_reason}
          </Text>
        )}
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            {t('admin.companies.documents')}
          </Text>
          {company.documents.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('admin.companies.noDocuments')}
            </Text>
          ) : (
            <List listStyleType="none" spacing={2}>
              {company.documents.map((document) => (
                <List.Item key={document.id}>
                  <DocumentLink company={company} document={document} />
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <Select
            size="xs"
            w={200}
            label={t('admin.companies.plan')}
            value={company.plan_code}
            allowDeselect={false}
            disabled={assign.isPending || plans.data === undefined}
            data={(plans.data ?? [{ code: company.plan_code, name: company.plan_code }]).map(
              (plan) => ({ value: plan.code, label: `${plan.name} (${plan.code})` }),
            )}
            onChange={(value) => {
              if (value && value !== company.plan_code) {
                assign.mutate(
                  { id: company.id, plan_code: value },
                  {
                    onSuccess: () =>
                      notifications.show({
                        color: 'teal',
                        message: t('admin.companies.planAssigned', {
                          name: company.legal_name,
                          plan: value,
                        }),
                      }),
                    onError: (error) =>
                      notifications.show({
                        color: 'red',
                        title: t('errors.generic'),
                        message: error.message,
                      }),
                  },
                );
              }
            }}
          />
          <Group gap="xs">
            {TRANSITIONS[company.status].map((transition) => (
              <Button
                key={transition}
                size="xs"
                color={transition === 'approve' || transition === 'reactivate' ? 'teal' : 'red'}
                variant={
                  transition === 'approve' || transition === 'reactivate' ? 'filled' : 'light'
                }
                onClick={() => onAction(company, transition)}
                aria-label={t(`admin.companies.reasonTitle.${transition}`, {
                  name: company.legal_name,
                })}
                data-testid={`company-${transition}`}
              >
                {t(`admin.companies.actions.${transition}`)}
              </Button>
            ))}
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}

/** The company approval queue: pending companies first, with their papers and the actions. */
export function ApprovalQueue() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<CompanyStatus | null>('PENDING_APPROVAL');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 300);
  const [page, setPage] = useState(1);
  const companies = useCompanies({ status, q, page });
  const change = useChangeCompanyStatus();
  const [dialog, setDialog] = useState<ReasonDialog>(null);
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const run = (company: AdminCompany, transition: Transition, why?: string) =>
    change.mutate(
      { id: company.id, transition, reason: why },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: 'teal',
            message: t(`admin.companies.done.${transition}`, { name: updated.legal_name }),
          });
          setDialog(null);
        },
        onError: (error) => {
          if (!NEEDS_REASON.has(transition)) {
            notifications.show({
              color: 'red',
              title: t('errors.generic'),
              message: error.message,
            });
          }
        },
      },
    );
  const onAction = (company: AdminCompany, transition: Transition) => {
    if (NEEDS_REASON.has(transition)) {
      change.reset();
      setReason('');
      setSubmitted(false);
      setDialog({ company, transition });
    } else {
      run(company, transition);
    }
  };
  const submitReason = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (dialog === null || reason.trim().length < 3) return;
    run(dialog.company, dialog.transition, reason.trim());
  };
  const pages = Math.max(1, Math.ceil((companies.data?.total ?? 0) / PAGE_SIZE));
  return (
    <Stack gap="md">
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t('admin.companies.filterStatus')}
          value={status ?? 'ALL'}
          allowDeselect={false}
          w={220}
          data={[
            { value: 'ALL', label: t('admin.companies.allStatuses') },
            ...COMPANY_STATUSES.map((value) => ({
              value,
              label: t(`admin.companyStatus.${value}`),
            })),
          ]}
          onChange={(value) => {
            setStatus(value === null || value === 'ALL' ? null : (value as CompanyStatus));
            setPage(1);
          }}
          data-testid="company-status-filter"
        />
        <TextInput
          label={t('admin.companies.search')}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          w={280}
        />
        {companies.isFetching && (
          <Loader size="sm" role="status" aria-label={t('common.loading')} />
        )}
      </Group>
      {companies.isError && <ApiErrorAlert error={companies.error} />}
      {companies.data?.items.length === 0 && (
        <Text c="dimmed" data-testid="queue-empty">
          {status === 'PENDING_APPROVAL'
            ? t('admin.companies.queueEmpty')
            : t('admin.companies.none')}
        </Text>
      )}
      {companies.data?.items.map((company) => (
        <CompanyCard key={company.id} company={company} onAction={onAction} />
      ))}
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={setPage}
          getControlProps={(control) => ({ 'aria-label': t(`common.pagination.${control}`) })}
          getItemProps={(item) => ({ 'aria-label': t('common.pagination.page', { page: item }) })}
        />
      )}
      <Modal
        opened={dialog !== null}
        onClose={() => setDialog(null)}
        title={
          dialog
            ? t(`admin.companies.reasonTitle.${dialog.transition}`, {
                name: dialog.company.legal_name,
              })
            : ''
        }
        centered
      >
        <form onSubmit={submitReason} noValidate>
          <Stack gap="sm">
            <Textarea
              label={t('admin.companies.reason')}
              description={t('admin.companies.reasonHelp')}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              required
              autosize
              minRows={3}
              maxLength={2000}
              error={
                submitted && reason.trim().length < 3 ? t('admin.companies.reasonShort') : undefined
              }
              data-autofocus
            />
            {change.isError && <ApiErrorAlert error={change.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={change.isPending}>
                {dialog ? t(`admin.companies.actions.${dialog.transition}`) : ''}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
