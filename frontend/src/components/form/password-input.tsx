import {
  List,
  PasswordInput as MantinePasswordInput,
  type PasswordInputProps as MantinePasswordInputProps,
  Progress,
  Stack,
  Text,
  ThemeIcon,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
  type PasswordRule,
  type PasswordScore,
  validatePassword,
} from '@/lib/validation';

export type PasswordInputProps = Omit<MantinePasswordInputProps, 'value' | 'onChange' | 'error'> & {
  value: string;
  onChange: (value: string) => void;
  error?: ReactNode;
  /** Show the strength meter and the rules (for a new password, not for signing in). */
  withStrength?: boolean;
  /** The user's e-mail address, for the rule against reusing it in the password. */
  email?: string | null;
};

const RULES: PasswordRule[] = ['min_length', 'upper', 'lower', 'digit', 'symbol', 'not_email'];
const SCORE_COLORS = ['red', 'red', 'orange', 'yellow', 'teal'] as const;
const SCORE_LABELS = ['veryWeak', 'weak', 'fair', 'good', 'strong'] as const;

function StrengthMeter({
  score,
  unmet,
  id,
}: {
  score: PasswordScore;
  unmet: PasswordRule[];
  id: string;
}) {
  const { t } = useTranslation();
  const label = t(`password.strength.${SCORE_LABELS[score]}`);
  // max_bytes only shows once it is broken: it is a limit, not something to aim for.
  const rules = unmet.includes('max_bytes') ? [...RULES, 'max_bytes' as const] : RULES;
  return (
    <Stack gap={6} mt={6} id={id}>
      <Progress
        value={(score / 4) * 100}
        color={SCORE_COLORS[score]}
        size="sm"
        aria-label={`${t('password.strength.label')}: ${label}`}
      />
      <Text size="xs" c="dimmed" data-testid="password-strength">
        {t('password.strength.value', { strength: label })}
      </Text>
      <List spacing={2} size="xs" center>
        {rules.map((rule) => {
          const met = !unmet.includes(rule);
          return (
            <List.Item
              key={rule}
              icon={
                <ThemeIcon
                  size={16}
                  radius="xl"
                  color={met ? 'teal' : 'gray'}
                  variant="light"
                  aria-hidden
                >
                  {met ? <IconCheck size={11} /> : <IconX size={11} />}
                </ThemeIcon>
              }
            >
              <Text size="xs" c={met ? undefined : 'dimmed'}>
                {t(`validation.password.${rule}`, {
                  count: rule === 'max_bytes' ? PASSWORD_MAX_BYTES : PASSWORD_MIN_LENGTH,
                })}
                <VisuallyHidden>
                  {' '}
                  {met ? t('password.ruleMet') : t('password.ruleUnmet')}
                </VisuallyHidden>
              </Text>
            </List.Item>
          );
        })}
      </List>
    </Stack>
  );
}

/**
 * Password field. With `withStrength`, a meter and the rules of validatePassword, the same rules
 * the API applies (src/involinks/auth/password_rules.json).
 */
export function PasswordInput({
  value,
  onChange,
  error,
  withStrength = false,
  email,
  label,
  ...rest
}: PasswordInputProps) {
  const { t } = useTranslation();
  const meterId = useId();
  const result = validatePassword(value, { email });
  return (
    <div>
      <MantinePasswordInput
        label={label ?? t('fields.password')}
        autoComplete={withStrength ? 'new-password' : 'current-password'}
        {...rest}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error || undefined}
        aria-describedby={withStrength ? meterId : undefined}
        visibilityToggleButtonProps={{
          'aria-label': t('password.toggleVisibility'),
        }}
      />
      {withStrength && <StrengthMeter score={result.score} unmet={result.unmet} id={meterId} />}
    </div>
  );
}
