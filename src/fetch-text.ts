// One GET of a small text file a preview needs (a checksum list, a release index): a timeout
// that keeps a preflight within its 15 s, and a failure said in one line.

export type Fetch = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export const FETCH_TIMEOUT_MS = 10_000;

/** The server answered, but not 200: `status` says what (404: no such file). */
export class HttpStatusError extends Error {
  constructor(
    url: string,
    readonly status: number,
  ) {
    super(`${url} answered HTTP ${status}`);
  }
}

/** The file's text; else an error saying `<url> could not be read (<why>)` or `<url> answered HTTP <status>`. */
export async function fetchText(url: string, fetcher: Fetch = fetch, timeoutMs = FETCH_TIMEOUT_MS): Promise<string> {
  const unreadable = (e: unknown) => {
    throw new Error(`${url} could not be read (${failure(e, timeoutMs)})`);
  };
  const res = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs) }).catch(unreadable);
  if (!res.ok) throw new HttpStatusError(url, res.status);
  return res.text().catch(unreadable);
}

/** Why a fetch failed, briefly: the system's code (ENOTFOUND, ECONNREFUSED) when there is one. */
function failure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === "TimeoutError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}
