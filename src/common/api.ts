/** Every JSON API route lives under this prefix; pages and health checks do not. */
export const API_V1 = 'api/v1';
