import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { IconCopy, IconDownload, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { saveFile } from '@/lib/download';

type BackupCodesProps = { codes: string[]; onDone: () => void };

/** The backup codes, shown this one time only (the API keeps only their hashes). */
export function BackupCodes({ codes, onDone }: BackupCodesProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const text = codes.join('\n');
  return (
    <Alert
      color="indigo"
      variant="light"
      icon={<IconKey aria-hidden />}
      title={t('auth.security.backupTitle')}
      data-testid="backup-codes"
    >
      <Stack gap="sm">
        <Text size="sm">{t('auth.security.backupIntro')}</Text>
        <SimpleGrid cols={2} spacing="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {codes.map((code) => (
            <li key={code}>
              <Code fz="sm" dir="ltr" data-testid="backup-code">
                {code}
              </Code>
            </li>
          ))}
        </SimpleGrid>
        <Group gap="xs">
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                variant="default"
                leftSection={<IconCopy size={14} aria-hidden />}
                onClick={copy}
              >
                {copied ? t('common.copied') : t('common.copy')}
              </Button>
            )}
          </CopyButton>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} aria-hidden />}
            onClick={() =>
              saveFile(
                { blob: new Blob([`${text}\n`], { type: 'text/plain' }), filename: null },
                'involinks-backup-codes.txt',
              )
            }
          >
            {t('common.download')}
          </Button>
        </Group>
        <Checkbox
          label={t('auth.security.backupSaved')}
          checked={saved}
          onChange={(event) => setSaved(event.currentTarget.checked)}
        />
        <Button onClick={onDone} disabled={!saved} w="fit-content">
          {t('common.done')}
        </Button>
      </Stack>
    </Alert>
  );
}
