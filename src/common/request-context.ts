import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the HTTP request (or CLI command) a piece of work belongs to. */
export interface RequestContext {
  readonly requestId?: string;
  readonly clientAddress?: string;
  /** The interface language the request is served in (src/web/ui-i18n.ts), if it is a page. */
  readonly language?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` visible to everything it calls (audit records read it). */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current request's context, or an empty one outside a request. */
export function requestContext(): RequestContext {
  return storage.getStore() ?? {};
}
