// Browser bundle of an app that imports AuthressGroupsClient and calls one method, JWT
// signing included. Pass --meta to list the largest files too; --floor adds the same bundle
// with the transport replaced by a fetch-only stand-in.
import { fileURLToPath } from 'node:url';
import { reportBrowserBundle } from '../../../scripts/bundle-size.mjs';

await reportBrowserBundle({
  title: '@iamkit/authress browser bundle (AuthressGroupsClient + getGroup + JWT signing)',
  entry: fileURLToPath(new URL('./entry.ts', import.meta.url)),
  goalBytes: 14 * 1024,
  reference: '@authress/sdk ~43 KB min+gzip, Node only',
});
