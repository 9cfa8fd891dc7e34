import { randomBytes } from 'node:crypto';
import { CONNECT_SESSION_TOKEN_PREFIX, CONNECT_SESSION_TOKEN_REGEX } from '../cases';

const TOKEN_FORMAT = new RegExp(CONNECT_SESSION_TOKEN_REGEX);

export function newConnectSessionToken(): string {
  return `${CONNECT_SESSION_TOKEN_PREFIX}${randomBytes(32).toString('hex')}`;
}

export function isConnectSessionToken(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}
