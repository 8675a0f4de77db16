import { randomBytes } from 'node:crypto';
import type { CallerSource } from './callers';

/**
 * Callers for the local API (`npm start`): its authorizer stand-in makes the bearer token itself
 * the caller's principal, so a fresh random name is a fresh caller. There is nothing to delete, and
 * no ID token: the stand-in checks no JWT, so only API Gateway's authorizer can refuse one.
 */
export function localCallers(random: (bytes: number) => string = (bytes) => randomBytes(bytes).toString('hex')): CallerSource {
  return {
    description: "made-up names sent as bearer tokens: the local stand-in takes the token as the caller's name (no AWS)",
    noIdTokenReason: 'the local stand-in checks no JWT; against AWS, the JWT authorizer must refuse a Cognito ID token',
    async signIn(label) {
      const name = `smoke-${label}-${random(6)}`;
      return { name, holds: 'a made-up name sent as the bearer token (nothing signs in locally)', accessToken: name };
    },
    async cleanUp() {
      return [];
    },
  };
}
