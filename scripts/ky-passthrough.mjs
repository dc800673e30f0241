// Stands in for ky when a bench measures ky's share of a bundle: the transport's one ky call
// (`ky.create(...)` then `instance(url, { fetch, ...init })`) as the plain fetch it wraps.
// Only ever bundled for sizing, never run.
const create =
  () =>
  (url, { fetch: send = fetch, ...init }) =>
    send(url, init);
export default { create };
