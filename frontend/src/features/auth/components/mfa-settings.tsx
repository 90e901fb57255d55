import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Image,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconDeviceMobile, IconMail, IconShieldCheck, IconShieldLock } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiErrorAlert } from '@/components/api-error-alert';
import type { Me } from '@/lib/auth';

import { useDisableMfa } from '../api/disable-mfa';
import { useEnableEmailMfa } from '../api/enable-email-mfa';
import { useEnableTotp } from '../api/enable-totp';
import { useRegenerateBackupCodes } from '../api/regenerate-backup-codes';
import { useSendConfirmationCode } from '../api/send-confirmation-code';
import { useStartTotpSetup } from '../api/start-totp-setup';
import { BackupCodes } from './backup-codes';

type CodeFormProps = {
  label: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (code: string) => void;
  testId?: string;
};

function CodeForm({ label, submitLabel, pending, error, onSubmit, testId }: CodeFormProps) {
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() !== '') onSubmit(code.trim());
  };
  return (
    <form onSubmit={submit} noValidate data-testid={testId}>
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput
            label={label}
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={16}
            dir="ltr"
            w={200}
            required
          />
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
        {error !== null && <ApiErrorAlert error={error} />}
      </Stack>
    </form>
  );
}

function MethodCard({
  icon,
  title,
  children,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group gap="xs">
          {icon}
          <Title order={2} size="h4">
            {title}
          </Title>
        </Group>
        {children}
      </Stack>
    </Card>
  );
}

/**
 * The API's SVG as an <img> source: in an image no script in it could ever run. The API sends
 * SVG meant for embedding in HTML, without the namespace a standalone SVG file needs.
 */
export function qrImageSource(svg: string): string {
  const standalone = /^\s*<svg\b[^>]*\bxmlns=/.test(svg)
    ? svg
    : svg.replace(/^\s*<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(standalone)}`;
}

function TotpEnrolment({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const setup = useStartTotpSetup();
  const enable = useEnableTotp();
  if (!setup.data) {
    return (
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('auth.security.totpIntro')}</Text>
        <Button onClick={() => setup.mutate()} loading={setup.isPending}>
          {t('auth.security.totpStart')}
        </Button>
        {setup.isError && <ApiErrorAlert error={setup.error} />}
      </Stack>
    );
  }
  const qr = qrImageSource(setup.data.qr_svg);
  return (
    <Stack gap="sm" data-testid="totp-setup">
      <Text size="sm">{t('auth.security.totpScan')}</Text>
      <Image src={qr} alt={t('auth.security.qrAlt')} w={200} h={200} fit="contain" bg="white" />
      <Text size="sm">
        {t('auth.security.totpManual')}{' '}
        <Code dir="ltr" data-testid="totp-secret">
          {setup.data.secret}
        </Code>
      </Text>
      <CodeForm
        label={t('auth.security.totpCode')}
        submitLabel={t('auth.security.totpConfirm')}
        pending={enable.isPending}
        error={enable.error}
        onSubmit={(code) => enable.mutate(code, { onSuccess: (r) => onCodes(r.backup_codes) })}
        testId="totp-confirm"
      />
    </Stack>
  );
}

function EmailEnrolment({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const request = useEnableEmailMfa();
  const confirm = useEnableEmailMfa();
  if (request.data?.status !== 'code_sent') {
    return (
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('auth.security.emailIntro')}</Text>
        <Button variant="default" onClick={() => request.mutate(null)} loading={request.isPending}>
          {t('auth.security.emailStart')}
        </Button>
        {request.isError && <ApiErrorAlert error={request.error} />}
      </Stack>
    );
  }
  return (
    <CodeForm
      label={t('auth.security.emailCode')}
      submitLabel={t('auth.security.emailConfirm')}
      pending={confirm.isPending}
      error={confirm.error}
      onSubmit={(code) =>
        confirm.mutate(code, {
          onSuccess: (result) => {
            if (result.backup_codes) onCodes(result.backup_codes);
          },
        })
      }
    />
  );
}

function RegenerateCodes({ me, onCodes }: { me: Me; onCodes: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const regenerate = useRegenerateBackupCodes();
  const sendCode = useSendConfirmationCode();
  return (
    <Stack gap="xs">
      <Text size="sm">
        {t('auth.security.backupRemaining', { n: me.user.backup_codes_remaining })}
      </Text>
      <CodeForm
        label={t('auth.security.regenerateCode')}
        submitLabel={t('auth.security.regenerate')}
        pending={regenerate.isPending}
        error={regenerate.error}
        onSubmit={(code) => regenerate.mutate(code, { onSuccess: (r) => onCodes(r.backup_codes) })}
      />
      {me.user.mfa_methods.includes('email') && (
        <Button
          variant="subtle"
          size="xs"
          w="fit-content"
          onClick={() => sendCode.mutate()}
          loading={sendCode.isPending}
        >
          {sendCode.isSuccess ? t('auth.security.confirmSent') : t('auth.security.sendConfirm')}
        </Button>
      )}
    </Stack>
  );
}

type TurnOffProps = { me: Me; method?: 'totp' | 'email'; testId: string };

/** Turns one method (or all) off after a fresh code; the API refuses when the company needs MFA. */
function TurnOff({ me, method, testId }: TurnOffProps) {
  const { t } = useTranslation();
  const disable = useDisableMfa();
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button
        variant="default"
        color="red"
        size="xs"
        w="fit-content"
        onClick={() => setOpen(true)}
        data-testid={`${testId}-start`}
      >
        {method ? t('auth.security.turnOffMethod') : t('auth.security.turnOffAll')}
      </Button>
    );
  }
  return (
    <Stack gap="xs">
      <Text size="sm">
        {t(
          me.user.mfa_methods.includes('email')
            ? 'auth.security.turnOffHintEmail'
            : 'auth.security.turnOffHint',
        )}
      </Text>
      <CodeForm
        label={t('auth.security.turnOffCode')}
        submitLabel={method ? t('auth.security.turnOffMethod') : t('auth.security.turnOffAll')}
        pending={disable.isPending}
        error={disable.error}
        onSubmit={(code) =>
          disable.mutate(method ? { code, method } : { code }, { onSuccess: () => setOpen(false) })
        }
        testId={testId}
      />
    </Stack>
  );
}

type MfaSettingsProps = {
  me: Me;
  /** The company requires MFA and this user has none yet (sign-in goes on once set up). */
  enrolmentRequired: boolean;
  onEnrolled: () => void;
};

/** Two-step sign-in: authenticator app (QR code), e-mailed codes, backup codes. */
export function MfaSettings({ me, enrolmentRequired, onEnrolled }: MfaSettingsProps) {
  const { t } = useTranslation();
  const [codes, setCodes] = useState<string[] | null>(null);
  const methods = me.user.mfa_methods;

  if (codes !== null) {
    return (
      <BackupCodes
        codes={codes}
        onDone={() => {
          setCodes(null);
          onEnrolled();
        }}
      />
    );
  }
  return (
    <Stack gap="lg">
      {enrolmentRequired && (
        <Alert
          color="orange"
          variant="light"
          icon={<IconShieldLock aria-hidden />}
          title={t('auth.security.requiredTitle')}
          role="alert"
          data-testid="mfa-required"
        >
          {t('auth.security.requiredBody')}
        </Alert>
      )}
      <Group gap="xs">
        <Text fw={600}>{t('auth.security.status')}</Text>
        {me.user.mfa_enabled ? (
          <Badge color="teal" leftSection={<IconShieldCheck size={14} aria-hidden />}>
            {t('auth.security.on')}
          </Badge>
        ) : (
          <Badge color="gray">{t('auth.security.off')}</Badge>
        )}
        {methods.map((method) => (
          <Badge key={method} variant="outline">
            {t(`auth.mfa.methods.${method}`)}
          </Badge>
        ))}
      </Group>
      <MethodCard icon={<IconDeviceMobile aria-hidden />} title={t('auth.security.totpTitle')}>
        {methods.includes('totp') ? (
          <>
            <Text size="sm">{t('auth.security.totpOn')}</Text>
            <TurnOff me={me} method="totp" testId="totp-off" />
          </>
        ) : (
          <TotpEnrolment onCodes={setCodes} />
        )}
      </MethodCard>
      <MethodCard icon={<IconMail aria-hidden />} title={t('auth.security.emailTitle')}>
        {methods.includes('email') ? (
          <>
            <Text size="sm">{t('auth.security.emailOn')}</Text>
            <TurnOff me={me} method="email" testId="email-off" />
          </>
        ) : (
          <EmailEnrolment onCodes={setCodes} />
        )}
      </MethodCard>
      {me.user.mfa_enabled && (
        <MethodCard icon={<IconShieldCheck aria-hidden />} title={t('auth.security.backupTitle')}>
          <RegenerateCodes me={me} onCodes={setCodes} />
          <TurnOff me={me} testId="mfa-off" />
        </MethodCard>
      )}
    </Stack>
  );
}
