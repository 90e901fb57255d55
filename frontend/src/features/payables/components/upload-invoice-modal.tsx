import { Alert, Badge, Button, Code, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import { FileDrop } from '@/components/file-drop';

import { useUploadInwardInvoice } from '../api/inward-invoices';
import type { UploadedInwardInvoice } from '../api/types';
import { ruleDetails } from '../lib/rule-details';

type UploadInvoiceModalProps = {
  opened: boolean;
  onClose: () => void;
  onUploaded: (invoice: UploadedInwardInvoice) => void;
};

/** Upload of a supplier's UBL 2.1 / PINT AE XML; a refusal lists every failed rule. */
export function UploadInvoiceModal({ opened, onClose, onUploaded }: UploadInvoiceModalProps) {
  const { t } = useTranslation();
  const upload = useUploadInwardInvoice();
  const [file, setFile] = useState<File | null>(null);
  const rules = ruleDetails(upload.error);
  const close = () => {
    setFile(null);
    upload.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('payables.upload.title')} size="lg">
      <Stack gap="sm">
        <FileDrop
          label={t('payables.upload.drop')}
          hint={t('payables.upload.hint')}
          accept=".xml,application/xml,text/xml"
          file={file}
          onFile={(chosen) => {
            setFile(chosen);
            upload.reset();
          }}
          testId="xml-drop"
        />
        {rules.length > 0 ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('payables.upload.refused', { count: rules.length })}
            role="alert"
            data-testid="upload-rules"
          >
            <List size="sm" spacing={6}>
              {rules.map((rule, index) => (
                <List.Item key={index} data-testid="upload-rule" data-rule-id={rule.rule_id ?? ''}>
                  {rule.rule_id && (
                    <Badge color="red" size="sm" me={6} tt="none" dir="ltr">
                      {rule.rule_id}
                    </Badge>
                  )}
                  {rule.message}
                  {rule.location && (
                    <Text size="xs" c="dimmed" dir="ltr">
                      <Code>{rule.location}</Code>
                    </Text>
                  )}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          upload.isError && <ApiErrorAlert error={upload.error} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={file === null}
            loading={upload.isPending}
            onClick={() =>
              file &&
              upload.mutate(file, {
                onSuccess: (invoice) => {
                  close();
                  onUploaded(invoice);
                },
              })
            }
            data-testid="upload-xml"
          >
            {t('payables.upload.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
