import { pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * One line of a mosquitto `password_file` (mosquitto 2's `$7$` format: PBKDF2-SHA512, 101
 * iterations, a 12-byte salt, a 64-byte key, both base64), made when the password is created,
 * since Vigil keeps only its sha256 afterwards.
 */
export function mosquittoPasswordLine(name: string, password: string, salt = randomBytes(12)) {
  const iterations = 101;
  const key = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `${name}:$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
