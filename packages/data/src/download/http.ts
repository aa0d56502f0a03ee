import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

const MAX_REDIRECTS = 8;

/** A request that can never succeed as given (bad URL, protocol, redirect loop); retrying is pointless. */
export class BadRequestError extends Error {}

/**
 * GET with redirects followed (GitHub archives and figshare redirect to a CDN).
 * Resolves with the final response, still unread.
 */
export function request(url: string, headers: Record<string, string>, timeoutMs: number, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new BadRequestError(`download: invalid URL '${url}'`));
      return;
    }
    const getter = parsed.protocol === 'https:' ? httpsGet : parsed.protocol === 'http:' ? httpGet : null;
    if (getter === null) {
      reject(new BadRequestError(`download: unsupported protocol '${parsed.protocol}' in ${url}, expected http: or https:`));
      return;
    }
    const req = getter(parsed, { headers: { 'user-agent': 'tensorkit-data', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new BadRequestError(`download ${url}: more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        resolve(request(new URL(res.headers.location, parsed).toString(), headers, timeoutMs, redirects + 1));
        return;
      }
      resolve(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response for ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new Error(`download ${url}: ${err.message}`, { cause: err })));
  });
}
