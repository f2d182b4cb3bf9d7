// Runs before every test file. nock must be loaded before @shopify/shopify-api's node adapter so
// that its captured fetch is the patched one (platform-apis.md §3).
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost') || host.startsWith('[::1]'));
