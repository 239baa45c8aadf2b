// A real Postfix, configured by the test in a directory of its own (its own config_directory and
// queue_directory, loopback ports), as the relay Spoor sends through. Its virtual mailboxes: some that
// exist, one over quota (an mbox already at virtual_mailbox_limit: 5.2.2); any other address at that
// domain is taken and then bounced (5.1.1, smtpd_reject_unlisted_recipient = no), so the failure comes
// back as Postfix's own DSN. A domain that defers (its next hop refuses connections) is returned at once
// (maximal_queue_lifetime = 0: one try). DSNs to the bounce domain go to Spoor's receiver.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const POSTFIX = '/usr/sbin/postfix';
export const postfixAvailable = existsSync(POSTFIX) && process.getuid?.() === 0;

export interface Postfix {
  port: number;
  dir: string;
  /** The delivered mailbox's contents (mbox), '' when nothing arrived. */
  mailbox(local: string): Promise<string>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function ids(name: string): Promise<number> {
  const { stdout } = await run('id', [name === 'group' ? '-g' : '-u', 'postfix']);
  return Number(stdout.trim());
}

export async function startPostfix(options: {
  domain: string;
  mailboxes: string[];
  overQuota: string[];
  deferDomain: string;
  bounceDomain: string;
  bouncePort: number;
}): Promise<Postfix> {
  const dir = await mkdtemp(join(tmpdir(), 'spoor-postfix-'));
  // Postfix's own processes run as the postfix user: they must reach the directory.
  await chmod(dir, 0o755);
  for (const sub of ['etc', 'queue', 'data', 'mail', `mail/${options.domain}`])
    await mkdir(join(dir, sub), { recursive: true });
  const uid = await ids('user');
  const gid = await ids('group');
  const port = await freePort();
  const limit = 20_000;
  await writeFile(
    join(dir, 'etc/main.cf'),
    `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.spoor.test
mydomain = spoor.test
myorigin = relay.spoor.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
maillog_file_prefixes = ${dir}
maillog_file = ${dir}/maillog
smtputf8_enable = no
virtual_mailbox_domains = ${options.domain}
virtual_mailbox_maps = texthash:${dir}/etc/vmailbox
virtual_mailbox_base = ${dir}/mail
virtual_uid_maps = static:${uid}
virtual_gid_maps = static:${gid}
virtual_mailbox_limit = ${limit}
message_size_limit = ${limit}
smtpd_reject_unlisted_recipient = no
transport_maps = texthash:${dir}/etc/transport
maximal_queue_lifetime = 0
bounce_queue_lifetime = 1h
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
`,
  );
  const services = [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'virtual unix - n n - - virtual',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ];
  await writeFile(join(dir, 'etc/master.cf'), `${services.join('\n')}\n`);
  await writeFile(
    join(dir, 'etc/vmailbox'),
    [...options.mailboxes, ...options.overQuota]
      .map((local) => `${local}@${options.domain} ${options.domain}/${local}\n`)
      .join(''),
  );
  await writeFile(
    join(dir, 'etc/transport'),
    `${options.deferDomain} smtp:[127.0.0.1]:9\n${options.bounceDomain} smtp:[127.0.0.1]:${options.bouncePort}\n`,
  );
  for (const local of options.overQuota)
    await writeFile(join(dir, 'mail', options.domain, local), 'x'.repeat(limit));
  for (const path of [
    'data',
    'mail',
    `mail/${options.domain}`,
    ...options.overQuota.map((l) => `mail/${options.domain}/${l}`),
  ])
    await chown(join(dir, path), uid, gid);
  await run(POSTFIX, ['-c', join(dir, 'etc'), 'start']);
  const postfix: Postfix = {
    port,
    dir,
    mailbox: (local) => readFile(join(dir, 'mail', options.domain, local), 'utf8').catch(() => ''),
    log: () => readFile(join(dir, 'maillog'), 'utf8').catch(() => ''),
    async stop() {
      await run(POSTFIX, ['-c', join(dir, 'etc'), 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  return postfix;
}
