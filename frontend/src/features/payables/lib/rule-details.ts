import { ApiError } from '@/lib/api';

export type RuleDetail = { rule_id: string | null; message: string; location: string | null };

/**
 * The failed rules of a refused XML upload: a 422 whose details list {rule_id, message,
 * location, field, layer} per rule. Anything else (a 409 duplicate, a 413) has none.
 */
export function ruleDetails(error: unknown): RuleDetail[] {
  if (!(error instanceof ApiError) || error.status !== 422 || !Array.isArray(error.details)) {
    return [];
  }
  return error.details.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    if (typeof record.message !== 'string') return [];
    return [
      {
        rule_id: typeof record.rule_id === 'string' ? record.rule_id : null,
        message: record.message,
        location: typeof record.location === 'string' ? record.location : null,
      },
    ];
  });
}
