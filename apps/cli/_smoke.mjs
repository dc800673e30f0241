import { spawnSync } from 'node:child_process';
import { startMockServer } from '@iamkit/mock-server';

const s = await startMockServer({ port: 0 });
const env = {
  PATH: process.env.PATH,
  HOME: '/tmp',
  AUTHRESS_URL: s.authressUrl,
  AUTHRESS_ACCESS_KEY: s.identities.serviceClients[0].accessKey,
};
const run = (...a) => {
  const r = spawnSync(process.execPath, ['dist/bin.js', ...a], { env, encoding: 'utf8' });
  console.log('$', a.join(' '), '->', r.status, '\n' + r.stdout + r.stderr);
  return r;
};
run(
  'authress',
  'groups',
  'create',
  '--name',
  'Editors',
  '--users',
  'oauth2|a,oauth2|b',
  '--tags',
  'team=docs',
  '--id',
  'grp_ed',
);
run('authress', 'groups', 'get', 'grp_ed');
run(
  'authress',
  'groups',
  'update',
  'grp_ed',
  '--add-users',
  'oauth2|c',
  '--remove-users',
  'oauth2|a',
);
run('authress', 'groups', 'list');
run('authress', 'groups', 'list', '--all', '--json');
run(
  'authress',
  'groups',
  'update',
  'grp_ed',
  '--name',
  'x',
  '--if-unmodified-since',
  '2000-01-01T00:00:00Z',
);
run('authress', 'groups', 'create', '--name', 'x', '--id', 'bad');
run('authress', 'groups', 'delete', 'grp_ed');
run('authress', 'groups', 'get', 'grp_ed');
run('authress', 'groups', '--help');
await s.close();
