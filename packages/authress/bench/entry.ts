// What a browser app ships to call Authress groups: the client, its models, the
// transport and the EdDSA signing of service-client tokens.
import { AuthressGroupsClient } from '../dist/index.js';

const client = new AuthressGroupsClient({
  authressApiUrl: 'https://ACCOUNT_ID.api.authress.io',
  accessKey: (globalThis as { ACCESS_KEY?: string }).ACCESS_KEY ?? '',
});
export const group = client.getGroup('grp_example');
