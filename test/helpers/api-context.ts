import type { ApiContext } from '../../services/api/api-context';

/** An API context with no cameras, the MQTT link up and no tokens, with `over` on top. */
export function testApiContext(over: Partial<ApiContext> = {}): ApiContext {
  return {
    cameras: () => [],
    backend: () => ({ name: 'onnx', skipped: [] }),
    mqttConnected: () => true,
    startedAt: '',
    version: '0',
    tokens: () => [],
    ...over,
  };
}
