/**
 * Flags every command accepts, wherever they appear on the command line. They are taken
 * out of argv before citty sees it, so a domain command never has to declare them.
 */
import { UsageError } from './errors.js';

export interface GlobalFlags {
  json: boolean;
  debug: boolean;
  color: boolean | undefined;
  help: boolean;
  version: boolean;
  profile?: string;
  host?: string;
  authressUrl?: string;
}

interface GlobalFlagSpec {
  flag: string;
  value?: string;
  description: string;
}

/** Listed under "GLOBAL FLAGS" in every help page and completed by every shell script. */
export const GLOBAL_FLAGS: readonly GlobalFlagSpec[] = [
  { flag: '--json', description: "Print the API's JSON response exactly, for scripts" },
  { flag: '--profile', value: 'name', description: 'Use this profile (env IAMKIT_PROFILE)' },
  { flag: '--host', value: 'url', description: 'TileDB Cloud host (env TILEDB_REST_HOST)' },
  { flag: '--authress-url', value: 'url', description: 'Authress API URL (env AUTHRESS_URL)' },
  { flag: '--debug', description: 'Trace HTTP requests (secrets masked) and show stacks' },
  { flag: '--no-color', description: 'Plain output without colour (env NO_COLOR)' },
  { flag: '--help', description: 'Show help for a command (-h)' },
  { flag: '--version', description: 'Print the iamkit version (-v)' },
];

/** Global flags that are switches: `--json=false` is a mistake, not a value. */
const SWITCHES = new Set(['--json', '--debug', '--no-color', '--color', '--help', '--version']);

const VALUE_FLAGS = new Map<string, 'profile' | 'host' | 'authressUrl'>([
  ['--profile', 'profile'],
  ['--host', 'host'],
  ['--authress-url', 'authressUrl'],
]);

/** Splits argv into global flags and everything else (left for the command's parser). */
export function extractGlobalFlags(argv: readonly string[]): {
  flags: GlobalFlags;
  rest: string[];
} {
  const flags: GlobalFlags = {
    json: false,
    debug: false,
    color: undefined,
    help: false,
    version: false,
  };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (eq !== -1 && SWITCHES.has(name)) {
      throw new UsageError(`flag ${name} takes no value: give ${name} alone, or leave it out`);
    }
    const valueKey = VALUE_FLAGS.get(name);
    if (valueKey) {
      let value: string | undefined;
      if (eq !== -1) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('-')) {
          throw new UsageError(`flag ${name} needs a value`);
        }
        i++;
      }
      if (value === '') throw new UsageError(`flag ${name} needs a non-empty value`);
      flags[valueKey] = value;
      continue;
    }
    switch (arg) {
      case '--json':
        flags.json = true;
        break;
      case '--debug':
        flags.debug = true;
        break;
      case '--no-color':
        flags.color = false;
        break;
      case '--color':
        flags.color = true;
        break;
      case '--help':
      case '-h':
        flags.help = true;
        break;
      case '--version':
      case '-v':
        flags.version = true;
        break;
      default:
        rest.push(arg);
    }
  }
  return { flags, rest };
}
