/**
 * `iamkit groups metadata set key=value`: each value is stored exactly as written, with the
 * type the help promises, or refused with exit 2 before anything is sent. Every value is
 * read back from the server's own entries (type and bytes), not from the CLI's decoding.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliHarness, startCli } from './helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let cli: CliHarness;

beforeAll(async () => {
  cli = await startCli();
});
beforeEach(async () => {
  await cli.server.reset();
  await cli.login('demo-api-key');
  await ok(['groups', 'create', 'demo', 'g']);
});
afterAll(async () => {
  await cli.close();
});

const ok = (args: string[]) => cli.ok(args);

interface Entry {
  key: string;
  type: string;
  valueNum: number;
  value: number[];
}

/** Each stored entry as [type, values], decoded here from the wire's little-endian bytes. */
async function stored(): Promise<Record<string, [string, unknown[] | string]>> {
  const { entries } = JSON.parse(
    await ok(['groups', 'metadata', 'get', 'demo', 'g', '--json']),
  ) as { entries: Entry[] };
  const result: Record<string, [string, unknown[] | string]> = {};
  for (const { key, type, valueNum, value } of entries) {
    const view = new DataView(Uint8Array.from(value).buffer);
    const read = (width: number, get: (offset: number) => unknown) =>
      Array.from({ length: value.length / width }, (_, index) => get(index * width));
    const decoded =
      type === 'STRING_UTF8'
        ? Buffer.from(value).toString('utf8')
        : type === 'BOOL'
          ? read(1, (offset) => view.getUint8(offset) === 1)
          : type === 'INT64'
            ? read(8, (offset) => view.getBigInt64(offset, true))
            : type === 'UINT64'
              ? read(8, (offset) => view.getBigUint64(offset, true))
              : read(8, (offset) => view.getFloat64(offset, true));
    if (Array.isArray(decoded)) expect(decoded.length).toBe(valueNum);
    result[key] = [type, decoded];
  }
  return result;
}

async function metadataWrites(): Promise<string[]> {
  const { requests } = (await (await fetch(`${cli.server.url}/__admin/requests`)).json()) as {
    requests: Array<{ method: string; path: string }>;
  };
  return requests
    .filter((request) => request.method === 'PUT' && request.path.endsWith('/metadata'))
    .map((request) => `${request.method} ${request.path}`);
}

describe('groups metadata set: values stored exactly', () => {
  it('integers of any size stay exact, in a list too (INT64, UINT64)', async () => {
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'g',
      'ids=[1,9007199254740993]',
      'big=9007199254740993',
      'neg=[-9223372036854775808, 0]',
      'huge=[18446744073709551615,1]',
      'count=42',
    ]);
    expect(await stored()).toEqual({
      ids: ['INT64', [1n, 9007199254740993n]],
      big: ['INT64', [9007199254740993n]],
      neg: ['INT64', [-9223372036854775808n, 0n]],
      huge: ['UINT64', [18446744073709551615n, 1n]],
      count: ['INT64', [42n]],
    });
  });

  it('a value that is not a canonical JSON number is text, exactly as written', async () => {
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'g',
      'o= 5',
      'trail=5 ',
      'zero=0042',
      'negzero=-012',
      'plus=+5',
      'hex=0x10',
      'dot=.5',
      'words=true story',
      'mixed=[1,"a"]',
      'quoted="1.0"',
    ]);
    expect(await stored()).toEqual({
      o: ['STRING_UTF8', ' 5'],
      trail: ['STRING_UTF8', '5 '],
      zero: ['STRING_UTF8', '0042'],
      negzero: ['STRING_UTF8', '-012'],
      plus: ['STRING_UTF8', '+5'],
      hex: ['STRING_UTF8', '0x10'],
      dot: ['STRING_UTF8', '.5'],
      words: ['STRING_UTF8', 'true story'],
      mixed: ['STRING_UTF8', '[1,"a"]'],
      quoted: ['STRING_UTF8', '1.0'],
    });
  });

  it('a fraction or exponent makes a value FLOAT64; a list with one is FLOAT64 throughout', async () => {
    await ok([
      'groups',
      'metadata',
      'set',
      'demo',
      'g',
      'ratio=0.5',
      'tiny=2.5e-3',
      'large=1e20',
      'floats=[1, 2.5, -0]',
      'max=1.7976931348623157e308',
      'flags=[true,false]',
      'ids=[2,9007199254740993]',
    ]);
    // toEqual tells -0 from 0: the list of floats keeps -0 as written.
    expect(await stored()).toEqual({
      ratio: ['FLOAT64', [0.5]],
      tiny: ['FLOAT64', [0.0025]],
      large: ['FLOAT64', [1e20]],
      floats: ['FLOAT64', [1, 2.5, -0]],
      max: ['FLOAT64', [Number.MAX_VALUE]],
      flags: ['BOOL', [true, false]],
      ids: ['INT64', [2n, 9007199254740993n]],
    });
  });

  const refused: Array<[string, string]> = [
    ['t=1.7976931348623157e309', 'metadata.t: 1.7976931348623157e309 is beyond the FLOAT64 range'],
    ['u=1e-400', 'metadata.u: 1e-400 is too small for FLOAT64 (it would be stored as 0)'],
    ['g=1.0', 'metadata.g: 1.0 would be stored as the integer 1 (INT64)'],
    ['a=1e3', 'metadata.a: 1e3 would be stored as the integer 1000 (INT64)'],
    ['r=-0', 'metadata.r: -0 would be stored as 0: an integer has no negative zero'],
    ['r=-0.0', 'metadata.r: -0.0 would be stored as the integer 0'],
    ['i=[]', 'metadata.i: [] is an empty list, which has no type'],
    ['l=[1.0,2]', 'metadata.l: [1.0,2] would be stored as integers (INT64)'],
    ['l=[0,-0]', 'metadata.l: -0 would be stored as 0'],
    ['l=[0.5,9007199254740993]', 'metadata.l: 9007199254740993 cannot be stored exactly'],
    ['l=[1e309,0.5]', 'metadata.l: 1e309 is beyond the FLOAT64 range'],
  ];
  it.each(refused)(
    '%s exits 2 naming the key, sends nothing, and --string keeps its text',
    async (pair, message) => {
      const result = await cli.run(['groups', 'metadata', 'set', 'demo', 'g', 'ok=1', pair]);
      expect(result.stderr).toContain(`error: ${message}`);
      expect(result.stderr).toContain('hint: to store it as text, write it in JSON quotes');
      expect(result.code).toBe(2);
      expect(await metadataWrites()).toEqual([]);
      expect(await stored()).toEqual({});
      // The same value as text: --string, or JSON quotes around it.
      const [key, raw] = pair.split(/=(.*)/s) as [string, string];
      await ok(['groups', 'metadata', 'set', 'demo', 'g', pair, '--string']);
      expect(await stored()).toEqual({ [key]: ['STRING_UTF8', raw] });
      await ok(['groups', 'metadata', 'set', 'demo', 'g', `${key}=${JSON.stringify(raw)}`]);
      expect(await stored()).toEqual({ [key]: ['STRING_UTF8', raw] });
    },
  );
});
