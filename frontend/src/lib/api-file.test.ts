import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { apiFile, filenameFromDisposition, setAccessToken } from './api';

beforeEach(() => setAccessToken(null));
afterEach(() => vi.unstubAllGlobals());

describe('filenameFromDisposition', () => {
  it('prefers the RFC 5987 name and falls back to the plain one', () => {
    expect(
      filenameFromDisposition(`attachment; filename="a.xml"; filename*=UTF-8''%D9%81.xml`),
    ).toBe('ف.xml');
    expect(filenameFromDisposition('inline; filename="INV-2026-000001.pdf"')).toBe(
      'INV-2026-000001.pdf',
    );
    expect(filenameFromDisposition(null)).toBeNull();
  });
});

describe('apiFile', () => {
  it('refreshes on 401 like api() and returns the body with the file name', async () => {
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        const auth = new Headers(init?.headers).get('Authorization');
        calls.push(`${init?.method ?? 'GET'} ${url} ${auth ?? '-'}`);
        if (url.endsWith('/auth/refresh')) {
          return new Response(JSON.stringify({ access_token: 'fresh' }), {
            headers: { 'Content-Type': 'application/json' },
          });
        }
        if (auth !== 'Bearer fresh') return new Response('{}', { status: 401 });
        return new Response('<Invoice/>', {
          headers: {
            'Content-Type': 'application/xml',
            'Content-Disposition': 'attachment; filename="INV-1.xml"',
          },
        });
      }),
    );
    setAccessToken('stale');

    const file = await apiFile('/invoices/1/xml');

    expect(file.filename).toBe('INV-1.xml');
    expect(await file.blob.text()).toBe('<Invoice/>');
    expect(calls).toEqual([
      'GET /api/v1/invoices/1/xml Bearer stale',
      'POST /api/v1/auth/refresh -',
      'GET /api/v1/invoices/1/xml Bearer fresh',
    ]);
  });
});
