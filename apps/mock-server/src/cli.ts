#!/usr/bin/env node
/**
 * `iamkit-mock`: run the mock server, or `iamkit-mock keygen` for a new Authress
 * service-client access key. Exit codes: 0 ok, 1 runtime error, 2 bad usage or bad seed.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AccessKeyError, generateAccessKey } from './authress-keys.js';
import { SeedError } from './identities.js';
import { jsonSyntaxReason } from './issues.js';
import { DataFileError } from './journal.js';
import type { DomainRoutes } from './plugin.js';
import { type MockServer, startMockServer } from './server.js';

const USAGE = `Usage:
  iamkit-mock [--port 8080] [--host 127.0.0.1] [--data FILE] [--seed FILE] [--routes FILE] [--quiet]
  iamkit-mock keygen [--client-id sc_x] [--account-id acc-x] [--key-id key_x]

Options:
  --port N      Port to listen on (default 8080; 0 picks a free port)
  --host H      Interface to bind (default 127.0.0.1)
  --data FILE   Keep state in FILE (and FILE.journal) across restarts
  --seed FILE   Users, organizations and service clients to start with (JSON)
  --routes FILE Also serve the routes a module default-exports (see ROUTES.md); repeatable
  --quiet       Print only the "listening on" line
  -h, --help    Show this help
`;

class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`iamkit-mock: ${message}\n`);
  process.exit(code);
}

async function keygen(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'client-id': { type: 'string' },
      'account-id': { type: 'string' },
      'key-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let key: ReturnType<typeof generateAccessKey>;
  try {
    key = generateAccessKey({
      ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
      ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
      ...(values['key-id'] === undefined ? {} : { keyId: values['key-id'] }),
    });
  } catch (error) {
    if (error instanceof AccessKeyError) throw new UsageError(error.message);
    throw error;
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        clientId: key.clientId,
        keyId: key.keyId,
        accountId: key.accountId,
        accessKey: key.accessKey,
        publicJwk: key.publicJwk,
      },
      null,
      2,
    )}\n`,
  );
}

function printIdentities(server: MockServer): void {
  const { users, serviceClients } = server.identities;
  const lines = [
    '',
    `TileDB base URL:   ${server.url}`,
    `Authress base URL: ${server.authressUrl}`,
    '',
  ];
  for (const u of users) {
    const orgs = Object.entries(u.organizations)
      .map(([name, role]) => `${name} (${role})`)
      .join(', ');
    lines.push(`user ${u.username} <${u.email}>`);
    if (u.password !== undefined) lines.push(`  password: ${u.password}`);
    for (const key of u.apiKeys) lines.push(`  api key:  ${key}`);
    if (orgs) lines.push(`  orgs:     ${orgs}`);
  }
  for (const sc of serviceClients) {
    lines.push(`authress service client ${sc.clientId}`);
    lines.push(`  access key: ${sc.accessKey ?? '(public key only)'}`);
  }
  lines.push('', 'Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function serveCommand(args: string[]): Promise<void> {
  let values: {
    port?: string;
    host?: string;
    data?: string;
    seed?: string;
    routes?: string[];
    quiet?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        routes: { type: 'string', multiple: true },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  let seed: unknown;
  if (values.seed !== undefined) {
    let text: string;
    try {
      text = await readFile(values.seed, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read seed file ${values.seed}: ${(error as Error).message}`);
    }
    try {
      seed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `seed file ${values.seed} is not valid JSON: ${jsonSyntaxReason(error)}`,
      );
    }
  }
  const routes: DomainRoutes[] = [];
  for (const file of values.routes ?? []) {
    let mod: { default?: DomainRoutes };
    try {
      mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: DomainRoutes };
    } catch (error) {
      throw new UsageError(`cannot load routes module ${file}: ${(error as Error).message}`);
    }
    if (typeof mod.default?.register !== 'function') {
      throw new UsageError(
        `routes module ${file} must default-export defineRoutes({ name, register })`,
      );
    }
    routes.push(mod.default);
  }
  let server: MockServer;
  try {
    server = await startMockServer({
      port,
      host: values.host ?? '127.0.0.1',
      ...(seed === undefined ? {} : { seed: seed as never }),
      ...(values.data === undefined ? {} : { dataFile: values.data }),
      routes,
    });
  } catch (error) {
    if (error instanceof SeedError) {
      throw new UsageError(
        `invalid seed${values.seed ? ` file ${values.seed}` : ''}: ${error.message}`,
      );
    }
    if (error instanceof DataFileError) fail(error.message, 1);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(`port ${port} is already in use (try --port 0)`, 1);
    }
    throw error;
  }
  process.stdout.write(`listening on ${server.url}\n`);
  if (!values.quiet) printIdentities(server);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      fail(`${signal} again: exiting without waiting`, 1);
    }
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${(error as Error).message}`, 1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === 'keygen') return keygen(rest);
  return serveCommand(argv);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) fail(`${error.message}\n\n${USAGE}`, 2);
  if (
    error instanceof TypeError &&
    (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    fail(`${error.message}\n\n${USAGE}`, 2);
  }
  fail((error as Error).stack ?? String(error), 1);
});
