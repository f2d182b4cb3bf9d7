// One connector suite, two backends: nock fixtures (https, Basic auth) and the simulator (http,
// OAuth 1.0a). If either drifts from what WooCommerce does, this file says so.
import { describeWooCommerceContract } from './contract-suite.js';
import { nockWorld } from './nock-world.js';
import { simulatorWorld } from './simulator-world.js';

describeWooCommerceContract(nockWorld);
describeWooCommerceContract(simulatorWorld);
