import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError, api, getAccessToken, setAccessToken, setSessionExpiredHandler } from './api';

type Call = { url: string; method: string; auth: string | null; credentials: string | undefined };

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const unauthorized = () =>
  jsonResponse(401, {
    error: { code: 'unauthorized', message: 'Sign in again: your session is missing or expired.' },
    detail: 'Sign in again: your session is missing or expired.',
  });

/**
 * A fake backend: `invoices` answers 200 only to "Bearer <validToken>", and `refresh` decides what
 * POST /auth/refresh returns. Every call is recorded.
 */
function fakeBackend(options: { validToken: string; refresh: () => Response | Promise<Response> }) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    calls.push({
      url,
      method: init?.method ?? 'GET',
      auth: headers.get('Authorization'),
      credentials: init?.credentials,
    });
    if (url === '/api/v1/auth/refresh') return options.refresh();
    if (headers.get('Authorization') === `Bearer ${options.validToken}`) {
      return jsonResponse(200, { items: [{ number: 'INV-1' }] });
    }
    return unauthorized();
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

beforeEach(() => {
  setAccessToken(null);
  setSessionExpiredHandler(null);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api', () => {
  it('sends the bearer token and the cookie, and returns the JSON body', async () => {
    const { calls } = fakeBackend({ validToken: 'tok-1', refresh: () => unauthorized() });
    setAccessToken('tok-1');

    await expect(api('/invoices')).resolves.toEqual({ items: [{ number: 'INV-1' }] });

    expect(calls).toEqual([
      { url: '/api/v1/invoices', method: 'GET', auth: 'Bearer tok-1', credentials: 'include' },
    ]);
  });

  it('refreshes once on 401, keeps the new token and replays the request', async () => {
    const { calls } = fakeBackend({
      validToken: 'tok-2',
      refresh: () => jsonResponse(200, { access_token: 'tok-2', token_type: 'bearer' }),
    });
    setAccessToken('expired');

    await expect(api('/invoices')).resolves.toEqual({ items: [{ number: 'INV-1' }] });

    expect(calls.map((c) => [c.method, c.url, c.auth])).toEqual([
      ['GET', '/api/v1/invoices', 'Bearer expired'],
      ['POST', '/api/v1/auth/refresh', null],
      ['GET', '/api/v1/invoices', 'Bearer tok-2'],
    ]);
    expect(calls[1]?.credentials).toBe('include');
    expect(getAccessToken()).toBe('tok-2');
  });

  it('does not refresh a second time when the replayed request is still 401', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const { calls } = fakeBackend({
      validToken: 'never-issued',
      refresh: () => jsonResponse(200, { access_token: 'tok-3' }),
    });
    setAccessToken('expired');

    const error = await api('/invoices').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(calls).toHaveLength(3);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('forgets the token and throws the 401 when the refresh is refused', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const { calls } = fakeBackend({ validToken: 'tok-4', refresh: () => unauthorized() });
    setAccessToken('expired');

    await expect(api('/invoices')).rejects.toMatchObject({
      status: 401,
      message: 'Sign in again: your session is missing or expired.',
    });

    expect(calls.map((c) => c.url)).toEqual(['/api/v1/invoices', '/api/v1/auth/refresh']);
    expect(getAccessToken()).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between requests that fail at the same time', async () => {
    let releaseRefresh: () => void = () => undefined;
    const refreshGate = new Promise<void>((resolve) => {
      releaseRefresh = resolve;
    });
    const { calls } = fakeBackend({
      validToken: 'tok-5',
      refresh: async () => {
        await refreshGate;
        return jsonResponse(200, { access_token: 'tok-5' });
      },
    });
    setAccessToken('expired');

    const all = Promise.all([api('/invoices'), api('/invoices'), api('/invoices')]);
    await vi.waitFor(() => {
      expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    });
    releaseRefresh();
    await expect(all).resolves.toHaveLength(3);

    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
    expect(calls.filter((c) => c.auth === 'Bearer tok-5')).toHaveLength(3);
  });

  it('replays without a new refresh when another request already refreshed the token', async () => {
    const { calls } = fakeBackend({
      validToken: 'tok-6',
      refresh: () => jsonResponse(200, { access_token: 'tok-6' }),
    });
    setAccessToken('expired');
    // The first request's 401 comes back only after the token was replaced elsewhere.
    const fetchMock = vi.mocked(fetch);
    const inner = fetchMock.getMockImplementation();
    fetchMock.mockImplementationOnce(async (input, init) => {
      setAccessToken('tok-6');
      return inner!(input, init);
    });

    await expect(api('/invoices')).resolves.toEqual({ items: [{ number: 'INV-1' }] });
    expect(calls.map((c) => c.auth)).toEqual(['Bearer expired', 'Bearer tok-6']);
  });

  it('never tries to refresh after a failed login', async () => {
    const { calls } = fakeBackend({
      validToken: 'x',
      refresh: () => jsonResponse(200, { access_token: 'x' }),
    });

    await expect(api('/auth/login', { method: 'POST', json: {} })).rejects.toMatchObject({
      status: 401,
    });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/login']);
  });

  it('keeps the token out of Web Storage', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    fakeBackend({
      validToken: 'tok-7',
      refresh: () => jsonResponse(200, { access_token: 'tok-7' }),
    });
    setAccessToken('expired');

    await api('/invoices');

    expect(setItem).not.toHaveBeenCalled();
    const stored = JSON.stringify({ ...localStorage, ...sessionStorage });
    expect(stored).not.toContain('tok-7');
  });
});

describe('api errors and bodies', () => {
  it('turns the backend error body into an ApiError with status, code and message', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(404, {
          error: { code: 'not_found', message: 'Invoice not found.' },
          detail: 'Invoice not found.',
        }),
      ),
    );

    const error = await api('/invoices/42').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'Invoice not found.' });
  });

  it('keeps the field list of a 422', async () => {
    const details = [{ field: 'buyer.trn', message: 'must be 15 digits' }];
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(422, {
          error: { code: 'invalid', message: 'Please correct: buyer.trn', details },
        }),
      ),
    );

    await expect(api('/invoices', { method: 'POST', json: {} })).rejects.toMatchObject({
      status: 422,
      code: 'invalid',
      details,
    });
  });

  it('uses the status text when the body is not the backend format', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('', { status: 502, statusText: 'Bad Gateway' })),
    );

    await expect(api('/health')).rejects.toMatchObject({ status: 502, message: 'Bad Gateway' });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );

    await expect(api('/health')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('sends JSON with its content type, adds query parameters and returns undefined for 204', async () => {
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
      return new Response(null, { status: 204 });
    });
    vi.stubGlobal('fetch', fetchMock);

    await expect(
      api('/invoices', {
        method: 'POST',
        json: { total_amount: '105.00' },
        params: { draft: true, page: 2, q: undefined },
      }),
    ).resolves.toBeUndefined();

    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/invoices?draft=true&page=2');
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json');
    expect(init?.body).toBe('{"total_amount":"105.00"}');
  });
});
