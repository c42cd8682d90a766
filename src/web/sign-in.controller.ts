import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../auth/access.decorator';
import { SignInFailedError, TooManySignInAttemptsError } from '../auth/auth.errors';
import { SignInForm } from '../auth/dto/identity.dto';
import { IdentityService } from '../auth/identity.service';
import { randomSecret, sameSecret } from '../auth/secrets';
import { clearSessionCookie, sessionCookieValue, setSessionCookie } from '../auth/session-cookie';
import { Actor, AuthenticatedRequest } from '../common/actor';
import { startPageFor } from './navigation';
import { uiText } from './ui-i18n';
import { isLocalPath, ViewRenderer } from './view-renderer';

// Sign-in has no session yet, so its form is protected by a double-submit cookie instead. Over
// TLS it takes the __Host- prefix (path /), so a sibling subdomain cannot plant a known value.
const FORM_COOKIE = 'tf_sign_in_form';
const TLS_FORM_COOKIE = '__Host-tf_sign_in_form';

const formCookieName = (request: Request): string =>
  request.secure ? TLS_FORM_COOKIE : FORM_COOKIE;

/**
 * The page asked for, if it is a path of this site (never `//evil.example` or an absolute URL);
 * undefined when none was asked for, or another site was.
 */
function askedFor(next: string | undefined): string | undefined {
  return isLocalPath(next) ? next : undefined;
}

/** Where a user goes once signed in: the page asked for, else the start page of its role. */
function destination(next: string | undefined, actor: Actor | undefined): string {
  return askedFor(next) ?? (actor === undefined ? undefined : startPageFor(actor.roles)) ?? '/';
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
      response.redirect(303, destination(next, request.actor));
      return;
    }
    this.renderForm(request, response, 200, { next: askedFor(next), username: '', error: null });
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
    const next = askedFor(form.next);
    const username = form.username ?? '';
    // A missing or stale form token: the form is shown again (400), with a fresh token.
    if (cookie === undefined || !sameSecret(cookie, form._csrf ?? '')) {
      this.renderForm(request, response, 400, {
        next,
        username,
        error: uiText('signin.errors.expired'),
      });
      return;
    }
    if (username.trim() === '' || (form.password ?? '') === '') {
      this.renderForm(request, response, 400, {
        next,
        username,
        error: uiText('signin.errors.empty'),
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
      // Without a page asked for, each role lands on its own start page.
      const actor =
        next === undefined
          ? (await this.identity.actorForSession(session.token))?.actor
          : undefined;
      response.redirect(303, destination(next, actor));
    } catch (error) {
      if (error instanceof TooManySignInAttemptsError) {
        response.setHeader('Retry-After', String(error.retryAfterSeconds));
        this.renderForm(request, response, 429, {
          next,
          username,
          error: uiText('signin.errors.tooMany', {
            minutes: Math.ceil(error.retryAfterSeconds / 60),
          }),
        });
        return;
      }
      if (error instanceof SignInFailedError) {
        this.renderForm(request, response, 401, {
          next,
          username,
          error: uiText('signin.errors.failed'),
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
    fields: { next: string | undefined; username: string; error: string | null },
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
        this.views.render(
          'sign-in',
          {
            title: uiText('signin.title'),
            active: 'sign-in',
            formToken,
            ...fields,
            next: fields.next ?? '',
          },
          // The language switch comes back to this form, with the page it was asked for.
          {
            path:
              fields.next === undefined
                ? '/sign-in'
                : `/sign-in?next=${encodeURIComponent(fields.next)}`,
          },
        ),
      );
  }
}
