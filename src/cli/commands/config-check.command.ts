import { Command, CommandRunner } from 'nest-commander';
import { CliConfigService } from '../cli-config.service';
import { print } from '../cli-output';
import { formatConfig } from '../config-summary';

@Command({
  name: 'config:check',
  description: 'validate the environment and print the effective configuration, secrets masked',
})
export class ConfigCheckCommand extends CommandRunner {
  constructor(private readonly config: CliConfigService) {
    super();
  }

  run(): Promise<void> {
    // An invalid environment throws ConfigurationError here: one line, exit code 1 (see cli.ts).
    const config = this.config.get();
    print('configuration is valid; effective values:', ...formatConfig(config));
    return Promise.resolve();
  }
}
