import { InitialSchema1764300000000 } from './1764300000000-InitialSchema';

/**
 * Every migration, oldest first. Listed by hand rather than found by a glob, so that the same
 * list works from TypeScript (tests), from dist/ (the app) and in the CLI; a test checks that
 * every file in this folder is listed.
 */
export const MIGRATIONS = [InitialSchema1764300000000];
