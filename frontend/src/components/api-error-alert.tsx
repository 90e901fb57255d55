import { Alert, List } from '@mantine/core';
import { IconAlertTriangle, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api';

export type FieldProblem = {
  field: string;
  message: string;
  rule_id?: string;
  /** Where in the UBL document a rule failed (XPath), when it maps to no form field. */
  location?: string;
};

/** The per-field problems of a 422 answer ({field, message, rule_id?, location?}), if any. */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return error.details.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    if (typeof record.message !== 'string') return [];
    return [
      {
        field: typeof record.field === 'string' ? record.field : '',
        message: record.message,
        ...(typeof record.rule_id === 'string' ? { rule_id: record.rule_id } : {}),
        ...(typeof record.location === 'string' ? { location: record.location } : {}),
      },
    ];
  });
}

export function useErrorTitle() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.generic');
    if (error.status === 0) return t('errors.network');
    if (error.status === 403) return t('errors.forbidden');
    if (error.status === 404) return t('errors.notFound');
    if (error.status === 409) return t('errors.conflict');
    if (error.status === 422) return t('errors.invalid');
    if (error.status === 429) return t('errors.rateLimited');
    return t('errors.generic');
  };
}

type ApiErrorAlertProps = {
  error: unknown;
  /** Also list the per-field problems of a 422 (when the form does not show them itself). */
  withDetails?: boolean;
};

/**
 * An API error as the user should read it: a title for the kind of failure and the API's own
 * message, which says why (e.g. a 403 names the permission or the company status).
 */
export function ApiErrorAlert({ error, withDetails = false }: ApiErrorAlertProps) {
  const { t } = useTranslation();
  const title = useErrorTitle()(error);
  if (error === null || error === undefined) return null;
  // No answer at all: the client's own words, in the user's language.
  const offline = error instanceof ApiError && error.status === 0;
  const message = offline
    ? t('errors.networkBody')
    : error instanceof Error
      ? error.message
      : String(error);
  const forbidden = error instanceof ApiError && error.status === 403;
  const problems = withDetails ? fieldProblems(error) : [];
  return (
    <Alert
      color={forbidden ? 'orange' : 'red'}
      variant="light"
      title={title}
      icon={forbidden ? <IconLock aria-hidden /> : <IconAlertTriangle aria-hidden />}
      role="alert"
      data-testid="api-error"
    >
      {message}
      {problems.length > 0 && (
        <List size="sm" mt="xs">
          {problems.map((problem, index) => (
            <List.Item key={index}>
              {problem.rule_id ? `[${problem.rule_id}] ` : ''}
              {problem.field ? `${problem.field}: ` : ''}
              {problem.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
