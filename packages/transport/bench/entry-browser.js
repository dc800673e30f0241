// The smallest real use of the transport: build one and make one request.
import { Transport } from '@iamkit/transport';

const transport = new Transport({ baseUrl: 'https://api.tiledb.com' });
const group = await transport.request({
  method: 'GET',
  path: '/v2/groups/{namespace}/{name}',
  params: { namespace: 'demo', name: 'example' },
});
console.log(group);
