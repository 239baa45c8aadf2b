// Links out of a page area. Inside a nested route (`nest`), wouter's `~` prefix escapes every base, the
// app's `/app` included: `~/contacts/x` would lead to the server's `/contacts/x`, not the dashboard's.
// Every link from one area to another goes through here.

/** Where the dashboard is served (the router's base, main.tsx). */
export const APP_BASE = '/app';

/** An absolute dashboard path for a wouter Link or navigate: inApp('/contacts/x') → '~/app/contacts/x'. */
export const inApp = (path: string) => `~${APP_BASE}${path}`;
