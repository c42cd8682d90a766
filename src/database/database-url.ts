import { AppConfig } from '../config/app-config';

const MASK = '***';

// Connection URLs may also carry a password as a query parameter (libpq accepts `?password=`).
const SECRET_QUERY_PARAM = /pass|secret|token|key/i;

/** A connection URL safe to print: its password, wherever it sits, replaced by `***`. */
export function maskDatabaseUrl(url: string): string {
  // Worked on the raw text rather than through `new URL()`: a password with an unencoded `#` or
  // `/` makes the parser see a fragment or a path, and part of the password would be printed.
  // Everything between the scheme and the LAST `@` is user information; at worst (an `@` in the
  // query) the host is masked too, which is safe.
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const at = url.lastIndexOf('@');
  let masked = url;
  if (at > scheme.length) {
    const userInfo = url.slice(scheme.length, at);
    const colon = userInfo.indexOf(':');
    if (colon >= 0) masked = `${scheme}${userInfo.slice(0, colon)}:${MASK}${url.slice(at)}`;
  }
  const question = masked.indexOf('?');
  if (question < 0) return masked;
  const params = new URLSearchParams(masked.slice(question + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_PARAM.test(key)) params.set(key, MASK);
  }
  return `${masked.slice(0, question)}?${params.toString()}`;
}

/** Where the configuration points the application, for people: never the password. */
export function describeDatabase(config: AppConfig['database']): string {
  return config.url === undefined
    ? `embedded PostgreSQL in ${config.dataDir}`
    : `PostgreSQL at ${maskDatabaseUrl(config.url)}`;
}
