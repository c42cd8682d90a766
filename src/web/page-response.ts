import { Response } from 'express';
import { AuthenticatedRequest } from '../common/actor';
import { Viewer } from './view-renderer';

/** What a page handler produces: a page with its status, or a redirect after a form post. */
export type PageResult = { status: number; html: string } | { redirect: string };

/** A form as the browser posts it (urlencoded: every value a string, or a list of them). */
export type FormBody = Record<string, unknown>;

/** Who looks at the page: the signed-in user and the CSRF token its forms must carry. */
export function viewerOf(request: AuthenticatedRequest): Viewer {
  return { actor: request.actor, csrfToken: request.csrfToken };
}

/** Sends a page, or redirects with 303 (See Other) so that a reload never posts the form again. */
export function sendPage(response: Response, result: PageResult): void {
  if ('redirect' in result) response.redirect(303, result.redirect);
  else response.status(result.status).type('html').send(result.html);
}
