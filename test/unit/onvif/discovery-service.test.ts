import { discoverDevices } from '../../../services/onvif/discovery-service';

test('discovery on a network interface that does not exist is VIGIL_ERR_DISCOVERY_FAILED naming the ones that do', async () => {
  await expect(
    discoverDevices({ interface: 'eth9', timeoutMs: 100 }, () => ['lo', 'eth0']),
  ).rejects.toMatchObject({
    code: 'VIGIL_ERR_DISCOVERY_FAILED',
    message: expect.stringContaining('there are: lo, eth0'),
  });
});
