import { Alert, Badge, Code, List, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

import { type FieldProblem, fieldProblems, useErrorTitle } from '@/components/api-error-alert';
import { ApiError } from '@/lib/api';

import type { DraftValidation } from '../api/validate-invoice';

function ProblemList({ problems }: { problems: FieldProblem[] }) {
  const { t } = useTranslation();
  return (
    <List size="sm" mt="xs" spacing={6} aria-label={t('invoices.detail.problems')}>
      {problems.map((problem, index) => (
        <List.Item
          key={index}
          data-testid="rule-problem"
          data-rule-id={problem.rule_id ?? ''}
          data-field={problem.field}
        >
          {problem.rule_id && (
            <Badge variant="filled" color="red" size="sm" me={6} tt="none" dir="ltr">
              {problem.rule_id}
            </Badge>
          )}
          {(problem.field || problem.location) && (
            <Code me={6} dir="ltr" style={{ overflowWrap: 'anywhere' }}>
              {problem.field || problem.location}
            </Code>
          )}
          {problem.message}
        </List.Item>
      ))}
    </List>
  );
}

type RuleProblemsProps = {
  /** The refused action (e.g. a 422 from finalize). */
  error?: unknown;
  /** The full check of the draft (POST /validate), with the official rule ids. */
  validation?: DraftValidation | undefined;
};

/**
 * The rules a document breaks, one per line: the rule id (e.g. ibr-127-ae, or the API's own
 * check), the field it is about, and the message.
 */
export function RuleProblems({ error, validation }: RuleProblemsProps) {
  const { t } = useTranslation();
  const title = useErrorTitle()(error);
  if (validation?.valid && !error) {
    return (
      <Alert
        color="teal"
        variant="light"
        icon={<IconCircleCheck aria-hidden />}
        role="status"
        data-testid="validation-passed"
      >
        {t('invoices.detail.valid')}
      </Alert>
    );
  }
  // The full check names the official rules; without it, the problems of the refusal itself.
  const problems: FieldProblem[] =
    validation && validation.errors.length > 0
      ? validation.errors.map((issue) => ({
          field: issue.field ?? '',
          message: issue.message,
          rule_id: issue.rule_id,
          ...(issue.location ? { location: issue.location } : {}),
        }))
      : fieldProblems(error);
  if (problems.length === 0 && !(error instanceof ApiError)) return null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle aria-hidden />}
      title={error ? title : t('invoices.detail.problems')}
      role="alert"
      data-testid="rule-problems"
    >
      {error instanceof ApiError && <Text size="sm">{error.message}</Text>}
      {problems.length > 0 && <ProblemList problems={problems} />}
    </Alert>
  );
}
