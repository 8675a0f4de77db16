import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CleanupError, type CallerSource } from './callers';
import { strongPassword } from './password';

/** Where {@link cognitoCallers} makes its users. */
export interface CognitoCallersOptions {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  /** The app client the API's authorizer trusts; it must allow `USER_PASSWORD_AUTH` and have no secret. */
  readonly clientId: string;
  /** @default 12 random hex characters */
  readonly suffix?: () => string;
  /** @default {@link strongPassword} */
  readonly password?: () => string;
}

/**
 * Throwaway Cognito users, as the README's manual guide makes them: created by an administrator
 * with no invitation sent, given a random strong password as permanent (no change-password
 * challenge), signed in with `USER_PASSWORD_AUTH`. `cleanUp` deletes each of them.
 */
export function cognitoCallers(options: CognitoCallersOptions): CallerSource {
  const { client, userPoolId, clientId } = options;
  const suffix = options.suffix ?? (() => randomBytes(6).toString('hex'));
  const password = options.password ?? (() => strongPassword());
  const made: string[] = [];

  return {
    description: `throwaway users in Cognito user pool ${userPoolId} (app client ${clientId})`,
    async signIn(label) {
      const username = `smoke-${label}-${suffix()}`;
      // Remembered before the call: a create whose answer is lost may still have made the user.
      made.push(username);
      await client.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
      const secret = password();
      await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: secret, Permanent: true }));
      const { AuthenticationResult: tokens, ChallengeName } = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: secret },
        }),
      );
      if (!tokens?.AccessToken)
        throw new Error(`Cognito answered ${ChallengeName ? `the challenge ${ChallengeName}` : 'no tokens'} for ${username}`);
      const held = tokens.IdToken ? 'an access token and an ID token' : 'an access token';
      return {
        name: username,
        holds: `a throwaway Cognito user, signed in: ${held}`,
        accessToken: tokens.AccessToken,
        idToken: tokens.IdToken,
      };
    },
    async cleanUp() {
      const deleted: string[] = [];
      const failures: string[] = [];
      for (const username of made.splice(0)) {
        try {
          await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
          deleted.push(`deleted user ${username}`);
        } catch (error) {
          if ((error as { name?: string }).name === 'UserNotFoundException') continue; // never made: nothing to delete
          failures.push(
            `could not delete user ${username} (${(error as Error).name}: ${(error as Error).message}); ` +
              `delete it with: aws cognito-idp admin-delete-user --user-pool-id ${userPoolId} --username ${username}`,
          );
        }
      }
      if (failures.length > 0) throw new CleanupError(deleted, failures);
      return deleted;
    },
  };
}
