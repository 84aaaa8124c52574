import { MQTT_SCHEMAS } from '../alerts/payload-schemas';
import { ConfigSchema } from './schema';

/** config/schema.json: the TypeBox schema as plain JSON Schema (for editors and integrators). */
export function configJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ConfigSchema }, null, 2)}\n`;
}

/** docs/mqtt-schemas.json: the JSON Schema of every MQTT payload (alerts, status, commands). */
export function mqttJsonSchemas(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', definitions: MQTT_SCHEMAS }, null, 2)}\n`;
}
