import {
  Button,
  Center,
  FileInput,
  Group,
  Image,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPhotoUp } from '@tabler/icons-react';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { formatDateTime } from '@/lib/format';

import {
  type CompanyDocument,
  useCompanyDocuments,
  useDeleteDocument,
  useDocumentBlob,
  useUploadDocument,
} from '../api/company';
import { SettingsSection } from './settings-section';

type ImageKind = 'logo' | 'stamp';
const IMAGE_TYPES = 'image/png,image/jpeg';
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** An object URL for a blob or file, revoked when it changes or the component goes. */
function useObjectUrl(blob: Blob | null | undefined): string | null {
  const url = useMemo(() => (blob ? URL.createObjectURL(blob) : null), [blob]);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  return url;
}

function ImageSlot({
  kind,
  current,
  canEdit,
}: {
  kind: ImageKind;
  current: CompanyDocument | undefined;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [tooBig, setTooBig] = useState(false);
  const stored = useDocumentBlob(current);
  const upload = useUploadDocument();
  const remove = useDeleteDocument();
  const storedUrl = useObjectUrl(stored.data);
  const pickedUrl = useObjectUrl(file);
  const shown = pickedUrl ?? storedUrl;
  const label = t(`settings.images.${kind}`);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file === null || tooBig) return;
    upload.mutate(
      { kind, file },
      {
        onSuccess: () => {
          setFile(null);
          notifications.show({
            color: 'teal',
            message: t('settings.images.uploaded', { what: label }),
          });
        },
      },
    );
  };
  return (
    <Paper withBorder radius="md" p="md" data-testid={`settings-${kind}`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {label}
          </Title>
          <Center
            h={140}
            bg="gray.0"
            style={{ borderRadius: 8, border: '1px dashed var(--mantine-color-gray-4)' }}
          >
            {shown ? (
              <Image
                src={shown}
                alt={
                  pickedUrl
                    ? t('settings.images.previewNew', { what: label })
                    : t('settings.images.current', { what: label })
                }
                mah={128}
                maw="100%"
                fit="contain"
                data-testid={`${kind}-preview`}
              />
            ) : (
              <Text size="sm" c="dimmed">
                {t('settings.images.none')}
              </Text>
            )}
          </Center>
          {current && (
            <Text size="xs" c="dimmed">
              {current.filename} · {formatDateTime(current.created_at, i18n.language)}
            </Text>
          )}
          {canEdit && (
            <>
              <FileInput
                label={t('settings.images.choose', { what: label })}
                description={t('settings.images.help')}
                accept={IMAGE_TYPES}
                value={file}
                clearable
                leftSection={<IconPhotoUp size={16} aria-hidden />}
                onChange={(picked) => {
                  setFile(picked);
                  setTooBig(picked !== null && picked.size > MAX_IMAGE_BYTES);
                  upload.reset();
                }}
                error={tooBig ? t('settings.images.tooBig') : undefined}
              />
              {upload.isError && <ApiErrorAlert error={upload.error} />}
              {remove.isError && <ApiErrorAlert error={remove.error} />}
              <Group justify="flex-end" gap="xs">
                {current && file === null && (
                  <Button
                    variant="subtle"
                    color="red"
                    loading={remove.isPending}
                    onClick={() => remove.mutate(current.id)}
                  >
                    {t('settings.images.remove')}
                  </Button>
                )}
                <Button type="submit" disabled={file === null || tooBig} loading={upload.isPending}>
                  {t('settings.images.upload')}
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/** The logo and stamp printed on the invoice PDF (the newest of each is used). */
export function BrandImages({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const documents = useCompanyDocuments();
  const newest = (kind: ImageKind) =>
    (documents.data ?? [])
      .filter((document) => document.kind === kind)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  return (
    <SettingsSection
      title={t('settings.images.title')}
      description={t('settings.images.description')}
      testId="settings-images"
    >
      {documents.isError && <ApiErrorAlert error={documents.error} />}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {(['logo', 'stamp'] as const).map((kind) => (
          <ImageSlot
            key={`${kind}:${newest(kind)?.id ?? 'none'}`}
            kind={kind}
            current={newest(kind)}
            canEdit={canEdit}
          />
        ))}
      </SimpleGrid>
    </SettingsSection>
  );
}
