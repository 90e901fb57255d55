/**
 * Fetch wrapper for the InvoLinks API (/api/v1).
 *
 * The access token lives in this module's memory only: never in localStorage or sessionStorage,
 * where any injected script could read it. The refresh token is an httpOnly cookie the browser
 * sends by itself (credentials: 'include'). On a 401 the wrapper asks POST /auth/refresh for a
 * new access token once and replays the request once; concurrent 401s share one refresh call,
 * because the backend rotates refresh tokens and a second refresh with the old cookie would fail.
 */

export const API_PREFIX = '/api/v1';

const REFRESH_PATH = '/auth/refresh';
// A 401 from these means "wrong credentials", "bad one-time token" or "refresh failed", not
// "access token expired", so a refresh would not help.
const NO_REFRESH_PATHS = new Set([
  REFRESH_PATH,
  '/auth/login',
  '/auth/logout',
  '/auth/mfa/verify',
  '/auth/mfa/email/send',
  '/auth/reset-password',
  '/auth/set-password',
]);

export class ApiError extends Error {
  readonly status: number;
  /** Machine-readable code from the backend's error body ("not_found", "invalid", ...). */
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, message: string, code = 'http_error', details: unknown = undefined) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type ApiRequestInit = Omit<RequestInit, 'body'> & {
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Any other body (FormData for uploads, ...). */
  body?: BodyInit | null;
  /** Query parameters; undefined and null values are left out. */
  params?: Record<string, string | number | boolean | null | undefined>;
};

let accessToken: string | null = null;
let refreshInFlight: Promise<boolean> | null = null;
let onSessionExpired: (() => void) | null = null;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function getAccessToken(): string | null {
  return accessToken;
}

/** Called once a request is still unauthorised after a refresh attempt (e.g. to show sign-in). */
export function setSessionExpiredHandler(handler: (() => void) | null): void {
  onSessionExpired = handler;
}

function buildUrl(path: string, params: ApiRequestInit['params']): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null) query.append(key, String(value));
  }
  const suffix = query.size > 0 ? `?${query.toString()}` : '';
  return `${API_PREFIX}${path}${suffix}`;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the backend's {"error": {"code", "message", "details"}, "detail": ...} body. */
export function toApiError(response: Response, body: unknown): ApiError {
  const fallback = response.statusText || `Request failed with status ${response.status}`;
  if (isRecord(body)) {
    const error = body.error;
    if (isRecord(error) && typeof error.message === 'string') {
      const code = typeof error.code === 'string' ? error.code : undefined;
      return new ApiError(response.status, error.message, code, error.details);
    }
    if (typeof body.detail === 'string') return new ApiError(response.status, body.detail);
  }
  if (typeof body === 'string' && body.trim() !== '' && body.length < 500) {
    return new ApiError(response.status, body.trim());
  }
  return new ApiError(response.status, fallback);
}

type Sent = { token: string | null; response: Promise<Response> };

function send(path: string, init: ApiRequestInit): Sent {
  const { json, params, headers: extraHeaders, body, ...rest } = init;
  const headers = new Headers(extraHeaders);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  let payload: BodyInit | null | undefined = body;
  if (json !== undefined) {
    headers.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  }
  const token = accessToken;
  if (token !== null && !headers.has('Authorization')) {
    headers.set('Authorization', `Bearer ${token}`);
  }
  const response = fetch(buildUrl(path, params), {
    ...rest,
    headers,
    body: payload,
    credentials: 'include',
  });
  return { token, response };
}

async function refreshOnce(): Promise<boolean> {
  try {
    const response = await fetch(`${API_PREFIX}${REFRESH_PATH}`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      credentials: 'include',
    });
    if (!response.ok) return false;
    const body = await readBody(response);
    if (isRecord(body) && typeof body.access_token === 'string') {
      accessToken = body.access_token;
      return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** One refresh at a time: callers that arrive while it runs wait for the same result. */
export function refreshAccessToken(): Promise<boolean> {
  if (refreshInFlight === null) {
    refreshInFlight = refreshOnce().finally(() => {
      refreshInFlight = null;
    });
  }
  return refreshInFlight;
}

/** Sends the request, refreshing the access token once on a 401; returns the final response. */
async function request(path: string, init: ApiRequestInit): Promise<Response> {
  try {
    const first = send(path, init);
    let response = await first.response;
    if (response.status === 401 && !NO_REFRESH_PATHS.has(path)) {
      // When another request refreshed the token while this one was on the wire, the new token
      // is already here: replay with it instead of spending another refresh.
      const refreshed =
        (accessToken !== null && accessToken !== first.token) || (await refreshAccessToken());
      if (refreshed) {
        response = await send(path, init).response;
      } else {
        accessToken = null;
      }
      if (response.status === 401) onSessionExpired?.();
    }
    return response;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server could not be reached. Check your connection.', 'network');
  }
}

/**
 * Calls `path` under /api/v1 and returns the parsed JSON body (undefined for an empty body).
 * Throws ApiError for any non-2xx answer and for network failures (status 0).
 */
export async function api<T>(path: string, init: ApiRequestInit = {}): Promise<T> {
  const response = await request(path, init);
  const body = await readBody(response);
  if (!response.ok) throw toApiError(response, body);
  return body as T;
}

export type ApiFile = { blob: Blob; filename: string | null };

/** The file name a Content-Disposition header gives (RFC 6266: filename* wins over filename). */
export function filenameFromDisposition(header: string | null): string | null {
  if (header === null) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() ?? null;
}

/** Like `api`, for a file (XML, PDF, CSV): the body as a Blob with the server's file name. */
export async function apiFile(path: string, init: ApiRequestInit = {}): Promise<ApiFile> {
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', '*/*');
  const response = await request(path, { ...init, headers });
  if (!response.ok) throw toApiError(response, await readBody(response));
  return {
    blob: await response.blob(),
    filename: filenameFromDisposition(response.headers.get('Content-Disposition')),
  };
}
