import type { RequestHandler } from 'express';
import helmet, { HelmetOptions } from 'helmet';

type Directives = Readonly<Record<string, readonly string[]>>;

/**
 * The content security policy of every response: pages, API answers, errors and assets alike.
 * Pages load only their own stylesheet and scripts (htmx is served from /assets), so nothing
 * inline is needed. `useDefaults: false` keeps the policy to exactly these directives: helmet's
 * defaults would add `upgrade-insecure-requests`, which breaks an installation reached over plain
 * http on an internal network.
 */
export const CONTENT_SECURITY_POLICY: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Swagger UI's page carries inline <style> blocks, and React sets `style` attributes on its
 * elements; its scripts are all files. So only styles are relaxed, and only on its own pages.
 */
export const API_DOCS_CONTENT_SECURITY_POLICY: Directives = {
  ...CONTENT_SECURITY_POLICY,
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * `same-origin`, not `no-referrer`: no other site ever learns a URL of ours (they carry donor and
 * fund ids), while our own form posts keep their `Origin` header: under `no-referrer` browsers
 * send `Origin: null` on a same-origin POST, which would defeat an origin check against CSRF.
 */
export const REFERRER_POLICY = 'same-origin';

function helmetOptions(directives: Directives): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(directives).map(([name, sources]) => [name, [...sources]]),
      ),
    },
    referrerPolicy: { policy: REFERRER_POLICY },
    // The legacy twin of frame-ancestors 'none', for browsers that predate CSP level 2.
    frameguard: { action: 'deny' },
  };
}

/**
 * Helmet's headers on every response, with the relaxed policy only under `docsPath` (the Swagger
 * UI mount point, e.g. `/api/docs`): its document at `/api/docs-json` stays strict.
 */
export function securityHeaders(docsPath: string): RequestHandler {
  const strict = helmet(helmetOptions(CONTENT_SECURITY_POLICY));
  const docs = helmet(helmetOptions(API_DOCS_CONTENT_SECURITY_POLICY));
  const prefix = `/${docsPath.replace(/^\/+|\/+$/g, '')}`;
  return (req, res, next) => {
    const underDocs = req.path === prefix || req.path.startsWith(`${prefix}/`);
    return (underDocs ? docs : strict)(req, res, next);
  };
}
