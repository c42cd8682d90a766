import { Request, Response } from 'express';

const PLAIN_NAME = 'tf_session';
// Over TLS the cookie takes the __Host- prefix: the browser then only accepts it Secure, for
// this exact host and path /, so no sibling subdomain can plant or shadow it.
const TLS_NAME = '__Host-tf_session';

export function sessionCookieValue(request: Request): string | undefined {
  const cookies = request.cookies as Record<string, string> | undefined;
  return cookies?.[request.secure ? TLS_NAME : PLAIN_NAME];
}

export function setSessionCookie(
  request: Request,
  response: Response,
  token: string,
  expiresAt: Date,
): void {
  response.cookie(request.secure ? TLS_NAME : PLAIN_NAME, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(request.secure ? TLS_NAME : PLAIN_NAME, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.secure,
    path: '/',
  });
}
