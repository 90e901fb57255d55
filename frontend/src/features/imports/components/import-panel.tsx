import {
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { FileDrop } from '@/components/file-drop';
import { ScrollTable } from '@/components/scroll-table';
import { formatDateTime } from '@/lib/format';

import {
  IMPORT_KINDS,
  type ImportJob,
  type ImportKind,
  type ImportStatus,
  useDownloadErrorReport,
  useDownloadTemplate,
  useImportJob,
  useImports,
  useUploadImport,
} from '../api/imports';
import { errorsByRow, isFinished, progressPercent } from '../lib/progress';

const STATUS_COLORS: Record<ImportStatus, string> = {
  queued: 'gray',
  validating: 'blue',
  importing: 'blue',
  succeeded: 'teal',
  partial: 'yellow',
  failed: 'red',
};

function StatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={STATUS_COLORS[status]}
      variant="light"
      data-testid="import-status"
      data-status={status}
    >
      {t(`imports.status.${status}`)}
    </Badge>
  );
}

function Templates() {
  const { t } = useTranslation();
  const download = useDownloadTemplate();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="templates-title">
      <Title order={2} size="h4" id="templates-title" mb="xs">
        {t('imports.templates.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('imports.templates.body')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        {IMPORT_KINDS.map((kind) => (
          <Group key={kind} gap="xs" wrap="nowrap" justify="space-between">
            <Text size="sm" fw={600}>
              {t(`imports.kinds.${kind}`)}
            </Text>
            <Group gap={4} wrap="nowrap">
              {(['csv', 'xlsx'] as const).map((format) => (
                <Button
                  key={format}
                  size="xs"
                  variant="default"
                  leftSection={<IconDownload size={14} aria-hidden />}
                  loading={
                    download.isPending &&
                    download.variables?.kind === kind &&
                    download.variables.format === format
                  }
                  onClick={() => download.mutate({ kind, format })}
                  aria-label={t('imports.templates.download', {
                    kind: t(`imports.kinds.${kind}`),
                    format: format.toUpperCase(),
                  })}
                  data-testid={`template-${kind}-${format}`}
                >
                  {format.toUpperCase()}
                </Button>
              ))}
            </Group>
          </Group>
        ))}
      </SimpleGrid>
      {download.isError && <ApiErrorAlert error={download.error} />}
    </Paper>
  );
}

function Counts({ job }: { job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  const counts = [
    ['rows', job.rows_total],
    ['created', job.created_count],
    ['updated', job.updated_count],
    ['unchanged', job.unchanged_count],
    ['skipped', job.skipped_count],
    ['invalid', job.invalid_count],
  ] as const;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} spacing="xs">
      {counts.map(([key, value]) => (
        <div key={key}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t(`imports.counts.${key}`)}
          </Text>
          <Text fw={700} data-testid={`count-${key}`}>
            {number.format(value)}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function JobResult({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const job = useImportJob(id);
  const report = useDownloadErrorReport();
  if (job.isError) return <ApiErrorAlert error={job.error} />;
  if (!job.data) return null;
  const data = job.data;
  const finished = isFinished(data.status);
  const percent = progressPercent(data);
  const rows = errorsByRow(data.errors);
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby="result-title"
      data-testid="import-result"
    >
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={2} size="h4" id="result-title">
              {t('imports.result.title')}
            </Title>
            <StatusBadge status={data.status} />
            {data.dry_run && (
              <Badge variant="outline" color="gray">
                {t('imports.result.dryRun')}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed" dir="ltr">
            {data.file_name}
          </Text>
        </Group>
        <Progress.Root size="xl">
          <Progress.Section
            value={percent}
            color={STATUS_COLORS[data.status]}
            animated={!finished}
            striped={!finished}
            role="progressbar"
            aria-valuenow={percent}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-label={t('imports.result.progress')}
            data-testid="import-progress"
          >
            <Progress.Label>{`${percent}%`}</Progress.Label>
          </Progress.Section>
        </Progress.Root>
        <Text size="sm" role="status" aria-live="polite">
          {finished
            ? t(`imports.result.finished.${data.status as 'succeeded'}`, {
                rows: data.rows_total,
                errors: data.error_count,
              })
            : t('imports.result.running', {
                done: data.rows_done,
                total: data.rows_total,
                phase: t(`imports.status.${data.status}`),
              })}
        </Text>
        {data.message && (
          <Text size="sm" c="dimmed">
            {data.message}
          </Text>
        )}
        <Counts job={data} />
        {rows.length > 0 && (
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={3} size="h5">
                {t('imports.errors.title', { rows: rows.length, errors: data.errors.length })}
              </Title>
              <Button
                size="xs"
                variant="default"
                leftSection={<IconDownload size={14} aria-hidden />}
                onClick={() => report.mutate(data.id)}
                loading={report.isPending}
                data-testid="download-error-report"
              >
                {t('imports.errors.download')}
              </Button>
            </Group>
            {report.isError && <ApiErrorAlert error={report.error} />}
            <ScrollTable minWidth={560} label={t('imports.errors.table')}>
              <Table verticalSpacing="xs" striped data-testid="import-errors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('imports.errors.row')}</Table.Th>
                    <Table.Th>{t('imports.errors.column')}</Table.Th>
                    <Table.Th>{t('imports.errors.value')}</Table.Th>
                    <Table.Th>{t('imports.errors.message')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.errors.map((error, index) => (
                    <Table.Tr key={index} data-testid="import-error" data-row={error.row}>
                      <Table.Td ff="monospace">{error.row}</Table.Td>
                      <Table.Td>
                        {error.column ? <Code dir="ltr">{error.column}</Code> : '—'}
                      </Table.Td>
                      <Table.Td dir="ltr" style={{ overflowWrap: 'anywhere' }}>
                        {error.value ?? '—'}
                      </Table.Td>
                      <Table.Td>{error.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          </Stack>
        )}
        <Text size="xs" c="dimmed">
          {t('imports.result.started', { when: formatDateTime(data.created_at, i18n.language) })}
        </Text>
      </Stack>
    </Paper>
  );
}

function RecentImports({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const imports = useImports();
  if (!imports.data || imports.data.items.length === 0) return null;
  return (
    <Paper withBorder radius="md" component="section" aria-labelledby="recent-title">
      <Title order={2} size="h4" id="recent-title" p="md" pb={0}>
        {t('imports.recent.title')}
      </Title>
      <ScrollTable minWidth={560} label={t('imports.recent.title')}>
        <Table verticalSpacing="xs" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('imports.recent.file')}</Table.Th>
              <Table.Th>{t('imports.kind')}</Table.Th>
              <Table.Th>{t('imports.recent.status')}</Table.Th>
              <Table.Th>{t('imports.recent.when')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imports.data.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => onOpen(item.id)}>
                    {item.file_name ?? item.id}
                  </Button>
                </Table.Td>
                <Table.Td>{t(`imports.kinds.${item.kind}`)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={item.status} />
                </Table.Td>
                <Table.Td>{formatDateTime(item.created_at, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Paper>
  );
}

/** Bulk import: templates, the upload with its options, the run's progress and its errors. */
export function ImportPanel() {
  const { t } = useTranslation();
  const upload = useUploadImport();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const start = () => {
    if (file === null) {
      setFileError(t('imports.upload.noFile'));
      return;
    }
    upload.mutate({ file, kind, dryRun, skipInvalid }, { onSuccess: (job) => setJobId(job.id) });
  };
  return (
    <Stack gap="lg">
      <Templates />
      <Paper withBorder radius="md" p="md" component="section" aria-labelledby="upload-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="upload-title">
            {t('imports.upload.title')}
          </Title>
          <div>
            <Text size="sm" fw={500} id="kind-label" mb={4}>
              {t('imports.kind')}
            </Text>
            <SegmentedControl
              aria-labelledby="kind-label"
              value={kind}
              onChange={(value) => setKind(value as ImportKind)}
              data={IMPORT_KINDS.map((value) => ({ value, label: t(`imports.kinds.${value}`) }))}
              fullWidth
              orientation="horizontal"
              data-testid="import-kind"
              styles={{ root: { flexWrap: 'wrap' } }}
            />
          </div>
          <FileDrop
            label={t('imports.upload.drop')}
            hint={t('imports.upload.hint')}
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            file={file}
            onFile={(chosen) => {
              setFile(chosen);
              setFileError(null);
              upload.reset();
            }}
            error={fileError}
            testId="import-drop"
          />
          <Group gap="xl">
            <Switch
              label={t('imports.upload.dryRun')}
              description={t('imports.upload.dryRunHint')}
              checked={dryRun}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
              data-testid="dry-run"
            />
            <Switch
              label={t('imports.upload.skipInvalid')}
              description={t('imports.upload.skipInvalidHint')}
              checked={skipInvalid}
              onChange={(e) => setSkipInvalid(e.currentTarget.checked)}
              data-testid="skip-invalid"
            />
          </Group>
          {upload.isError && <ApiErrorAlert error={upload.error} withDetails />}
          <Group justify="flex-end">
            <Button
              leftSection={
                dryRun ? (
                  <IconFileSpreadsheet size={16} aria-hidden />
                ) : (
                  <IconUpload size={16} aria-hidden />
                )
              }
              onClick={start}
              loading={upload.isPending}
              data-testid="start-import"
            >
              {dryRun ? t('imports.upload.check') : t('imports.upload.import')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      {jobId !== null && <JobResult id={jobId} />}
      <RecentImports onOpen={setJobId} />
    </Stack>
  );
}
