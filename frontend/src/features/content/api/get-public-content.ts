import { queryOptions, useQuery } from '@tanstack/react-query';

import { ApiError, api } from '@/lib/api';

/** One published CMS block; body_html is already sanitised by the API (and again on render). */
export type PublicBlock = {
  title: string;
  body_html: string;
  image_url: string | null;
  updated_at: string;
};

/** GET /api/v1/content/public: published blocks by key ("home.hero", ...) for one locale. */
export type PublicContent = {
  locale: string;
  blocks: Record<string, PublicBlock>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps only well-formed blocks, so a half-filled or unexpected answer cannot break the page. */
export function toPublicContent(locale: string, body: unknown): PublicContent {
  const blocks: Record<string, PublicBlock> = {};
  const raw = isRecord(body) && isRecord(body.blocks) ? body.blocks : {};
  for (const [key, block] of Object.entries(raw)) {
    if (!isRecord(block) || typeof block.title !== 'string') continue;
    blocks[key] = {
      title: block.title,
      body_html: typeof block.body_html === 'string' ? block.body_html : '',
      image_url: typeof block.image_url === 'string' ? block.image_url : null,
      updated_at: typeof block.updated_at === 'string' ? block.updated_at : '',
    };
  }
  return {
    locale: isRecord(body) && typeof body.locale === 'string' ? body.locale : locale,
    blocks,
  };
}

export async function getPublicContent(locale: string): Promise<PublicContent> {
  try {
    return toPublicContent(locale, await api<unknown>('/content/public', { params: { locale } }));
  } catch (error) {
    // No CMS on this server (or nothing published): the page uses its built-in texts.
    if (error instanceof ApiError && error.status === 404) return { locale, blocks: {} };
    throw error;
  }
}

export const getPublicContentQueryOptions = (locale: string) =>
  queryOptions({
    queryKey: ['content', 'public', locale],
    queryFn: () => getPublicContent(locale),
    staleTime: 60_000,
  });

export function usePublicContent(locale: string) {
  return useQuery(getPublicContentQueryOptions(locale));
}
