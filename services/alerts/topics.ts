/** Every MQTT topic Vigil uses. Camera ids are validated to [a-z0-9_-], so they are topic-safe. */
export const TOPIC_AVAILABLE = 'vigil/available';

export function alertsTopic(camera: string): string {
  return `vigil/${camera}/alerts`;
}
