import { Button, Group } from '@mantine/core';
import { IconFileUpload, IconPencilPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import { Inbox } from '@/features/payables/components/inbox';
import { UploadInvoiceModal } from '@/features/payables/components/upload-invoice-modal';
import { useCan } from '@/lib/auth';

import { PageHeader } from '../page-header';

export function PayablesInboxRoute() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canManage = useCan('ap:manage');
  const [uploading, setUploading] = useState(false);
  return (
    <>
      <title>{t('payables.pageTitle.inbox')}</title>
      <PageHeader
        title={t('payables.inbox.title')}
        subtitle={t('payables.inbox.subtitle')}
        actions={
          canManage && (
            <Group gap="xs">
              <Button
                variant="default"
                component={Link}
                to="/payables/new"
                leftSection={<IconPencilPlus size={16} aria-hidden />}
                data-testid="open-manual-entry"
              >
                {t('payables.manual.open')}
              </Button>
              <Button
                leftSection={<IconFileUpload size={16} aria-hidden />}
                onClick={() => setUploading(true)}
                data-testid="open-upload"
              >
                {t('payables.upload.open')}
              </Button>
            </Group>
          )
        }
      />
      <Inbox />
      <UploadInvoiceModal
        opened={uploading}
        onClose={() => setUploading(false)}
        onUploaded={(invoice) => navigate(`/payables/${invoice.id}`)}
      />
    </>
  );
}
