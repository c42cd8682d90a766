import { Response } from 'express';
import { AuthenticatedRequest } from '../common/actor';
import { Viewer } from './view-renderer';

/** What a page handler produces: a page with its status, or a redirect after a form post. */
export type PageResult = { status: number; html: string } | { redirect: string };

/** A form as the browser posts it (urlencoded: every value a string, or a list of them). */
export type FormBody = Record<string, unknown>;

/** Who looks at the page: the signed-in user and the CSRF token its forms must carry. */
export function viewerOf(request: AuthenticatedRequest): Viewer {
  // The language switch comes back to this page: only a GET can be opened again (a form sent
  // back with its errors was a POST; the switch then goes to the start of the site).
  const path = request.method === 'GET' ? request.originalUrl : undefined;
  return { actor: request.actor, csrfToken: request.csrfToken, path };
}

/** Sends a page, or redirects with 303 (See Other) so that a reload never posts the form again. */
export function sendPage(response: Response, result: PageResult): void {
  if ('redirect' in result) response.redirect(303, result.redirect);
  else response.status(result.status).type('html').send(result.html);
}

/** Where a page of a list stands and the links to the pages before and after it. */
export function pageLinks(
  page: { total: number; items: readonly unknown[] },
  offset: number,
  size: number,
  href: (offset: number) => string,
): {
  total: number;
  from: number;
  to: number;
  previousHref: string | null;
  nextHref: string | null;
} {
  return {
    total: page.total,
    from: page.total === 0 ? 0 : offset + 1,
    to: offset + page.items.length,
    previousHref: offset > 0 ? href(Math.max(0, offset - size)) : null,
    nextHref: offset + size < page.total ? href(offset + size) : null,
  };
}
