import {
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert, fieldProblems } from '@/components/api-error-alert';
import { ScrollTable } from '@/components/scroll-table';
import { formatDateTime } from '@/lib/format';

import {
  type BodyFormat,
  CONTENT_LOCALES,
  type ContentBlock,
  type ContentLocale,
  KEY_PATTERN,
  useContentBlocks,
  useContentHistory,
  useContentPreview,
  useRestoreContentBlock,
  useSaveContentBlock,
} from '../api/admin-content';
import { ContentHtml } from './content-html';

const DIRECTION: Record<ContentLocale, 'ltr' | 'rtl'> = { en: 'ltr', ar: 'rtl' };

function Preview({
  body,
  format,
  locale,
}: {
  body: string;
  format: BodyFormat;
  locale: ContentLocale;
}) {
  const { t } = useTranslation();
  const [debounced] = useDebouncedValue(body, 400);
  const preview = useContentPreview(debounced, format);
  const titleId = useId();
  return (
    <Card withBorder radius="md" padding="md" bg="gray.0" data-testid="content-preview">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h6" id={titleId}>
          {t('contentManager.preview')}
        </Title>
        {preview.isFetching && <Loader size="xs" role="status" aria-label={t('common.loading')} />}
      </Group>
      {preview.isError ? (
        <ApiErrorAlert error={preview.error} />
      ) : (
        <section aria-labelledby={titleId} lang={locale} dir={DIRECTION[locale]}>
          {preview.data?.html ? (
            <ContentHtml html={preview.data.html} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('contentManager.previewEmpty')}
            </Text>
          )}
        </section>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        {t('contentManager.previewNote')}
      </Text>
    </Card>
  );
}

function History({
  blockKey,
  locale,
  current,
}: {
  blockKey: string;
  locale: ContentLocale;
  current: number;
}) {
  const { t, i18n } = useTranslation();
  const history = useContentHistory(blockKey, locale, true);
  const restore = useRestoreContentBlock();
  if (history.isError) return <ApiErrorAlert error={history.error} />;
  const versions = history.data ?? [];
  return (
    <Stack gap="xs" data-testid="content-history">
      <Title order={3} size="h6">
        {t('contentManager.history')}
      </Title>
      {versions.length === 0 ? (
        <Text size="sm" c="dimmed">
          {history.isPending ? t('common.loading') : t('contentManager.noHistory')}
        </Text>
      ) : (
        <ScrollTable minWidth={520} label={t('contentManager.history')}>
          <Table verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('contentManager.version')}</Table.Th>
                <Table.Th>{t('contentManager.savedAt')}</Table.Th>
                <Table.Th>{t('contentManager.titleField')}</Table.Th>
                <Table.Th>{t('contentManager.state')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.map((version) => (
                <Table.Tr key={version.version} data-testid="content-version">
                  <Table.Td>
                    {version.version}
                    {version.restored_from !== null && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        {t('contentManager.restoredFrom', { version: version.restored_from })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(version.created_at, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={1} dir="auto">
                      {version.title}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {version.published ? t('contentManager.published') : t('contentManager.draft')}
                  </Table.Td>
                  <Table.Td>
                    {version.version === current ? (
                      <Badge variant="light">{t('contentManager.current')}</Badge>
                    ) : (
                      <Button
                        size="compact-xs"
                        variant="light"
                        loading={restore.isPending && restore.variables.version === version.version}
                        aria-label={t('contentManager.restoreVersion', {
                          version: version.version,
                        })}
                        onClick={() =>
                          restore.mutate(
                            { key: blockKey, locale, version: version.version },
                            {
                              onSuccess: () =>
                                notifications.show({
                                  color: 'teal',
                                  message: t('contentManager.restored', {
                                    version: version.version,
                                  }),
                                }),
                              onError: (error) =>
                                notifications.show({
                                  color: 'red',
                                  title: t('errors.generic'),
                                  message: error.message,
                                }),
                            },
                          )
                        }
                      >
                        {t('contentManager.restore')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}

type Draft = {
  title: string;
  body: string;
  body_format: BodyFormat;
  image_url: string;
  published: boolean;
};

function draftOf(block: ContentBlock | undefined): Draft {
  return {
    title: block?.title ?? '',
    body: block?.body ?? '',
    body_format: block?.body_format ?? 'markdown',
    image_url: block?.image_url ?? '',
    published: block?.published ?? false,
  };
}

function imageUrlError(value: string): boolean {
  return value !== '' && !value.startsWith('https://') && !value.startsWith('/');
}

/** The editor of one block in one language: fields, live preview, history. */
function LocaleEditor({
  blockKey,
  locale,
  block,
}: {
  blockKey: string;
  locale: ContentLocale;
  block: ContentBlock | undefined;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(block));
  const [submitted, setSubmitted] = useState(false);
  const save = useSaveContentBlock();
  const dir = DIRECTION[locale];
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const problems = fieldProblems(save.error);
  const problem = (field: string) => problems.find((p) => p.field.endsWith(field))?.message;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (imageUrlError(draft.image_url.trim())) return;
    save.mutate(
      {
        key: blockKey,
        locale,
        title: draft.title,
        body: draft.body,
        body_format: draft.body_format,
        image_url: draft.image_url.trim() || null,
        published: draft.published,
      },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: 'teal',
            message: t('contentManager.saved', { key: saved.key, version: saved.version }),
          }),
      },
    );
  };
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <form onSubmit={submit} noValidate data-testid={`content-form-${locale}`}>
          <Stack gap="sm">
            <Group gap="xs">
              {block ? (
                <Badge variant="light">
                  {t('contentManager.versionOf', { version: block.version })}
                </Badge>
              ) : (
                <Badge color="gray">{t('contentManager.notSaved')}</Badge>
              )}
              {block?.published && <Badge color="teal">{t('contentManager.published')}</Badge>}
            </Group>
            <TextInput
              label={t('contentManager.titleField')}
              value={draft.title}
              maxLength={300}
              dir={dir}
              lang={locale}
              onChange={(event) => set('title', event.currentTarget.value)}
              error={problem('title')}
            />
            <SegmentedControl
              aria-label={t('contentManager.format')}
              value={draft.body_format}
              onChange={(value) => set('body_format', value === 'html' ? 'html' : 'markdown')}
              data={[
                { value: 'markdown', label: t('contentManager.markdown') },
                { value: 'html', label: t('contentManager.html') },
              ]}
            />
            <Textarea
              label={t('contentManager.body')}
              description={
                draft.body_format === 'markdown'
                  ? t('contentManager.markdownHelp')
                  : t('contentManager.htmlHelp')
              }
              value={draft.body}
              autosize
              minRows={6}
              maxRows={18}
              dir={dir}
              lang={locale}
              onChange={(event) => set('body', event.currentTarget.value)}
              error={problem('body')}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <TextInput
              label={t('contentManager.imageUrl')}
              description={t('contentManager.imageUrlHelp')}
              value={draft.image_url}
              dir="ltr"
              maxLength={500}
              onChange={(event) => set('image_url', event.currentTarget.value)}
              error={
                (submitted && imageUrlError(draft.image_url.trim())
                  ? t('contentManager.imageUrlInvalid')
                  : undefined) ?? problem('image_url')
              }
            />
            <Switch
              label={t('contentManager.publish')}
              description={t('contentManager.publishHelp')}
              checked={draft.published}
              onChange={(event) => set('published', event.currentTarget.checked)}
            />
            {save.isError && <ApiErrorAlert error={save.error} withDetails />}
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                {t('contentManager.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Preview body={draft.body} format={draft.body_format} locale={locale} />
      </Grid.Col>
      {block && (
        <Grid.Col span={12}>
          <History blockKey={blockKey} locale={locale} current={block.version} />
        </Grid.Col>
      )}
    </Grid>
  );
}

/** Super admin: the public site's content blocks in English and Arabic. */
export function ContentManager() {
  const { t } = useTranslation();
  const blocks = useContentBlocks();
  const [selected, setSelected] = useState<string | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [newKey, setNewKey] = useState('');
  const [newKeyError, setNewKeyError] = useState<string | undefined>();
  const [locale, setLocale] = useState<ContentLocale>('en');

  const keys = useMemo(() => {
    const all = new Set([...(blocks.data ?? []).map((block) => block.key), ...added]);
    return [...all].sort();
  }, [blocks.data, added]);
  const current = selected ?? keys[0] ?? null;
  const byLocale = (key: string, lang: ContentLocale) =>
    blocks.data?.find((block) => block.key === key && block.locale === lang);

  const addKey = (event: FormEvent) => {
    event.preventDefault();
    const key = newKey.trim().toLowerCase();
    if (!KEY_PATTERN.test(key)) {
      setNewKeyError(t('contentManager.keyInvalid'));
      return;
    }
    setNewKeyError(undefined);
    setAdded((list) => (list.includes(key) ? list : [...list, key]));
    setSelected(key);
    setNewKey('');
  };

  if (blocks.isError) return <ApiErrorAlert error={blocks.error} />;
  if (blocks.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader role="status" aria-label={t('common.loading')} />
      </Group>
    );
  }
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="md">
        <Group align="flex-end" wrap="wrap" gap="md">
          <Select
            label={t('contentManager.block')}
            value={current}
            onChange={(value) => value && setSelected(value)}
            data={keys.map((key) => ({
              value: key,
              label: key,
            }))}
            searchable
            allowDeselect={false}
            w={280}
            nothingFoundMessage={t('contentManager.noBlocks')}
            data-testid="content-block-select"
          />
          <form onSubmit={addKey} noValidate>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput
                label={t('contentManager.newKey')}
                placeholder="home.announcement"
                value={newKey}
                onChange={(event) => setNewKey(event.currentTarget.value)}
                error={newKeyError}
                dir="ltr"
                w={220}
              />
              <Button
                type="submit"
                variant="light"
                leftSection={<IconPlus size={16} aria-hidden />}
              >
                {t('contentManager.add')}
              </Button>
            </Group>
          </form>
        </Group>
      </Card>
      {current === null ? (
        <Text c="dimmed">{t('contentManager.noBlocks')}</Text>
      ) : (
        <Card withBorder radius="md" padding="md" data-testid="content-editor">
          <Title order={2} size="h4" mb="sm" dir="ltr" ta="start">
            {current}
          </Title>
          <Tabs value={locale} onChange={(value) => setLocale(value === 'ar' ? 'ar' : 'en')}>
            <Tabs.List mb="md">
              {CONTENT_LOCALES.map((lang) => (
                <Tabs.Tab key={lang} value={lang} data-testid={`content-tab-${lang}`}>
                  {t(`languages.${lang}`)}
                </Tabs.Tab>
              ))}
            </Tabs.List>
            {CONTENT_LOCALES.map((lang) => {
              const block = byLocale(current, lang);
              return (
                <Tabs.Panel key={lang} value={lang}>
                  <LocaleEditor
                    key={`${current}:${lang}:${block?.version ?? 0}`}
                    blockKey={current}
                    locale={lang}
                    block={block}
                  />
                </Tabs.Panel>
              );
            })}
          </Tabs>
        </Card>
      )}
    </Stack>
  );
}
