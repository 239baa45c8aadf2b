// The import rules CI enforces (npm run check:cycles, scripts/check-imports.ts): no import cycles anywhere
// in src/, and domain code never imports Fastify (routes and the app's wiring may).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: a module reaches itself again through its imports (type-only ones too).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-fastify-in-domains',
      comment:
        'Domain code never imports Fastify: routes parse, call and reply; the domain takes data and returns data.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [
          '(^|/)[^/]*routes\\.[jt]s$',
          // src/*.ts is wiring (app, server, main, the API contract): it sets the framework up.
          '^src/[^/]+\\.[jt]s$',
          '^src/web/',
          // The framework's set-up (body parsers, the error mapper, creating the Fastify instance).
          '^src/http/',
          '^src/lib/(client-hang-up|json-body|page|people-pages|rate-limited)\\.[jt]s$',
          // HTTP glue that routes share: the admin API's one door, and the CORS headers and preflight.
          '^src/access/admin-api\\.[jt]s$',
          // …and the audit log's hook on that door (every admin write recorded in one place).
          '^src/access/audit/audit-hook\\.[jt]s$',
          '^src/websites/cors\\.[jt]s$',
          '\\.test\\.ts$',
        ],
      },
      to: { path: '(^|/)node_modules/(fastify|@fastify/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
