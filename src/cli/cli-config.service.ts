import { Injectable } from '@nestjs/common';
import { AppConfig, loadConfig } from '../config/app-config';

/**
 * The configuration, read from the environment on first use rather than at start-up: `--help`
 * must work in a broken environment, and must not create the session secret in DATA_DIR.
 */
@Injectable()
export class CliConfigService {
  private config?: AppConfig;

  /** Throws ConfigurationError, which the CLI reports as one line with exit code 1. */
  get(): AppConfig {
    this.config ??= loadConfig(process.env);
    return this.config;
  }
}
