// Accounts' HTTP wiring in one place: sign-in (public), the account pages, and inside the admin API the
// audit hook, the signed-in user's own session and the administration area (users, invitations, API keys,
// audit log). src/app.ts calls it with the config, the storage and the install secrets.
import type { FastifyInstance } from 'fastify';
import { type Config, sessionTimeouts } from '../config.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';
import { type AccessDeps, adminArea, ownSessionArea, publicApi } from './admin-api.ts';
import { apiKeyRoutes } from './api-key-routes.ts';
import { auditAdminWrites } from './audit/audit-hook.ts';
import { auditRoutes } from './audit/routes.ts';
import { ownSessionRoutes, signInRoutes } from './sessions/routes.ts';
import { accountMailer } from './users/account-mail.ts';
import { accountPageRoutes } from './users/account-page-routes.ts';
import { invitationRoutes } from './users/invitation-routes.ts';
import { userRoutes } from './users/routes.ts';

export interface AccountRoutes {
  /** What adminApi checks keys and sessions with. */
  access: AccessDeps;
  /** Mounts the accounts' admin routes; call first inside adminApi's mount (the audit hook covers the scope). */
  mountAdmin(admin: FastifyInstance): void;
}

export function accountRoutes(
  app: FastifyInstance,
  deps: { config: Config; storage: Storage; secrets: InstallSecrets },
): AccountRoutes {
  const { config, storage, secrets } = deps;
  const db = storage.db;
  const timeouts = sessionTimeouts(config);
  const publicUrl = config.publicUrl;
  publicApi(app, (open) =>
    signInRoutes(open, {
      db,
      timeouts,
      publicUrl,
      attemptsPerAccount: config.signInAttemptsPerAccount,
      attemptsPerAddress: config.signInAttemptsPerAddress,
    }),
  );
  // Invitations and resets go out through the SMTP settings sends use (a transport made on first use).
  const mailer = accountMailer(config.smtp, config.emailFrom);
  app.addHook('onClose', async () => mailer.close());
  const links = { db, secrets, publicUrl, sendMail: mailer.send };
  accountPageRoutes(app, { ...links, timeouts });
  return {
    access: { db, sessions: timeouts, publicOrigin: new URL(publicUrl).origin },
    mountAdmin(admin) {
      auditAdminWrites(admin, db);
      ownSessionArea(admin, (own) => ownSessionRoutes(own, { db, publicUrl }));
      adminArea(admin, 'administration', (administration) => {
        userRoutes(administration, { db });
        invitationRoutes(administration, links);
        apiKeyRoutes(administration, { db });
        auditRoutes(administration, { db });
      });
    },
  };
}
