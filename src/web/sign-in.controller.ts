import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../auth/access.decorator';
import { SignInFailedError, TooManySignInAttemptsError } from '../auth/auth.errors';
import { SignInForm } from '../auth/dto/identity.dto';
import { IdentityService } from '../auth/identity.service';
import { randomSecret, sameSecret } from '../auth/secrets';
import { clearSessionCookie, sessionCookieValue, setSessionCookie } from '../auth/session-cookie';
import { AuthenticatedRequest } from '../common/actor';
import { ViewRenderer } from './view-renderer';

// Sign-in has no session yet, so its form is protected by a double-submit cookie instead. Over
// TLS it takes the __Host- prefix (path /), so a sibling subdomain cannot plant a known value.
const FORM_COOKIE = 'tf_sign_in_form';
const TLS_FORM_COOKIE = '__Host-tf_sign_in_form';

const formCookieName = (request: Request): string =>
  request.secure ? TLS_FORM_COOKIE : FORM_COOKIE;

/** Only paths of this site: never `//evil.example` or an absolute URL. */
function safeNext(next: string | undefined): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}

@ApiExcludeController()
@Controller()
export class SignInController {
  constructor(
    private readonly views: ViewRenderer,
    private readonly identity: IdentityService,
  ) {}

  @Get('sign-in')
  @Public()
  page(
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
    @Query('next') next?: string,
  ): void {
    if (request.actor !== undefined) {
      response.redirect(303, safeNext(next));
      return;
    }
    this.renderForm(request, response, 200, { next: safeNext(next), username: '', error: null });
  }

  @Post('sign-in')
  @Public()
  @HttpCode(303)
  async signIn(
    @Req() request: Request,
    @Res() response: Response,
    @Body() form: SignInForm,
  ): Promise<void> {
    const cookie = (request.cookies as Record<string, string> | undefined)?.[
      formCookieName(request)
    ];
    const next = safeNext(form.next);
    const username = form.username ?? '';
    // A missing or stale form token: the form is shown again (400), with a fresh token.
    if (cookie === undefined || !sameSecret(cookie, form._csrf ?? '')) {
      this.renderForm(request, response, 400, {
        next,
        username,
        error: 'The form expired. Please sign in again.',
      });
      return;
    }
    if (username.trim() === '' || (form.password ?? '') === '') {
      this.renderForm(request, response, 400, {
        next,
        username,
        error: 'Enter your user name and password.',
      });
      return;
    }
    try {
      const session = await this.identity.signIn(
        username,
        form.password as string,
        request.ip ?? 'unknown',
      );
      response.clearCookie(formCookieName(request), { path: request.secure ? '/' : '/sign-in' });
      setSessionCookie(request, response, session.token, session.expiresAt);
      response.redirect(303, next);
    } catch (error) {
      if (error instanceof TooManySignInAttemptsError) {
        response.setHeader('Retry-After', String(error.retryAfterSeconds));
        this.renderForm(request, response, 429, {
          next,
          username,
          error: error.detail,
        });
        return;
      }
      if (error instanceof SignInFailedError) {
        this.renderForm(request, response, 401, {
          next,
          username,
          error: error.detail,
        });
        return;
      }
      throw error;
    }
  }

  // Public so that signing out still works once the session has expired; while it is live, the
  // guard still demands the session's CSRF token, so no other site can sign anyone out.
  @Post('sign-out')
  @Public()
  async signOut(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = sessionCookieValue(request);
    if (token !== undefined)
      await this.identity.signOut(token, (request as AuthenticatedRequest).actor);
    clearSessionCookie(request, response);
    response.redirect(303, '/sign-in');
  }

  private renderForm(
    request: Request,
    response: Response,
    status: number,
    fields: { next: string; username: string; error: string | null },
  ): void {
    const formToken = randomSecret('');
    response.cookie(formCookieName(request), formToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.secure,
      path: request.secure ? '/' : '/sign-in',
    });
    response
      .status(status)
      .type('html')
      .send(
        this.views.render('sign-in', {
          title: 'Sign in',
          active: 'sign-in',
          formToken,
          ...fields,
        }),
      );
  }
}
