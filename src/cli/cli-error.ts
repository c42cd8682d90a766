import { AppError } from '../common/errors/app-error';
import { ConfigurationError } from '../config/environment';
import { EmbeddedDatabaseInUseError } from '../database/embedded-postgres';

/**
 * What the CLI tells the operator when a command fails. Errors the operator can act on without
 * reading code (bad environment, data folder in use) are one plain line; anything else keeps its
 * stack, because it is a bug or an outage someone will have to investigate.
 */
export function describeCliError(error: unknown): string {
  if (error instanceof ConfigurationError || error instanceof EmbeddedDatabaseInUseError) {
    return error.message;
  }
  // Errors the application raises on purpose (a weak password, a missing rate…) read as they are,
  // with the field-level reasons when there are several.
  if (error instanceof AppError) {
    const fields = (error.errors ?? []).map((field) => `  ${field.field}: ${field.reason}`);
    return fields.length > 1 ? [error.detail, ...fields].join('\n') : error.detail;
  }
  if (error instanceof Error) return `Command failed: ${error.stack ?? error.message}`;
  return `Command failed: ${String(error)}`;
}
