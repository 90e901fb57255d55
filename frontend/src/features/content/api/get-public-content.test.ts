import { afterEach, describe, expect, it, vi } from 'vitest';

import { getPublicContent, toPublicContent } from './get-public-content';

const block = {
  title: 'Peppol exchange',
  body_html: '<p>Send and receive.</p>',
  image_url: null,
  updated_at: '2026-11-24T10:00:00Z',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('toPublicContent', () => {
  it('keeps the blocks of the API answer', () => {
    expect(
      toPublicContent('en', { locale: 'ar', blocks: { 'home.feature.peppol': block } }),
    ).toEqual({ locale: 'ar', blocks: { 'home.feature.peppol': block } });
  });

  it('drops blocks without a title and fills missing optional fields', () => {
    expect(
      toPublicContent('en', {
        locale: 'en',
        blocks: { broken: { body_html: '<p>x</p>' }, bare: { title: 'Bare' }, odd: 'text' },
      }),
    ).toEqual({
      locale: 'en',
      blocks: { bare: { title: 'Bare', body_html: '', image_url: null, updated_at: '' } },
    });
  });

  it.each([null, 'text', [], { blocks: [] }])('reads %j as no content', (body) => {
    expect(toPublicContent('ar', body)).toEqual({ locale: 'ar', blocks: {} });
  });
});

describe('getPublicContent', () => {
  it('asks for the locale and treats 404 as "no CMS"', async () => {
    const fetchMock = vi.fn(
      async (_input: RequestInfo | URL) => new Response(null, { status: 404 }),
    );
    vi.stubGlobal('fetch', fetchMock);

    await expect(getPublicContent('ar')).resolves.toEqual({ locale: 'ar', blocks: {} });
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/v1/content/public?locale=ar');
  });

  it('lets other errors through so the query can retry', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 503 })),
    );

    await expect(getPublicContent('en')).rejects.toMatchObject({ status: 503 });
  });
});
