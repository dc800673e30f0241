// Browser bundle of an app that imports GroupsClient and calls one method (retrieveGroup).
// --floor adds the same bundle with the transport replaced by a fetch-only stand-in.
// Pass --meta to list the largest files too.
import { fileURLToPath } from 'node:url';
import { reportBrowserBundle } from '../../../scripts/bundle-size.mjs';

await reportBrowserBundle({
  title: '@iamkit/groups browser bundle (GroupsClient + apiKeyAuth + retrieveGroup)',
  entry: fileURLToPath(new URL('./entry.ts', import.meta.url)),
  goalBytes: 10 * 1024,
  reference: 'official TileDB Cloud JS client ~75 KB min+gzip, not bundleable for browsers',
});
