export { freePort } from '../../scripts/peers/free-port';
