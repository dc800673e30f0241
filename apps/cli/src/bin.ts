#!/usr/bin/env node
// `iamkit --version` is answered before anything else is loaded (startup budget: 1.5x `node -e 0`).
const argv = process.argv.slice(2);
// `iamkit ... | head -1`: the reader went away, which is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { cliVersion } = await import('./version.js');
  process.stdout.write(`iamkit ${cliVersion()}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
