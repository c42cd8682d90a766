import { Logger } from '@nestjs/common';

// Outside an application (a DataSource built by a test), Nest's logger prints to the console.
// Tests assert on behaviour, not on that noise; TEST_LOGS=1 brings it back for debugging.
if (process.env.TEST_LOGS !== '1') Logger.overrideLogger(false);
