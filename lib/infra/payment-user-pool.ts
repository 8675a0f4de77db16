import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * The one scope every Cognito access token from `InitiateAuth` carries and no ID token does.
 * Requiring it on the routes makes the JWT authorizer accept access tokens only, as API Gateway
 * advises ("there is no standard mechanism to differentiate JWT access tokens from ID tokens").
 */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * Who may call the payment API: a Cognito user pool whose users an administrator creates
 * (no self sign-up, no hosted UI), and an app client that signs in with `USER_PASSWORD_AUTH`
 * so a token is one AWS CLI call away. The token's `sub` is the caller's principal.
 */
export class PaymentUserPool extends Construct {
  /** The user pool. */
  public readonly userPool: cognito.UserPool;

  /** The app client the API's JWT authorizer accepts as audience (`client_id` of access tokens). */
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      // Users are created and reset by an administrator; no email or phone is collected.
      accountRecovery: cognito.AccountRecovery.NONE,
      // Lite covers password sign-in and JWTs; it and Essentials are both free at rest.
      featurePlan: cognito.FeaturePlan.LITE,
      // Sandbox users are disposable; the payment records live in the tables, which are kept.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // cdk-nag findings are acknowledged by their qualified id (`<plugin>::<rule>`), the form synth
    // prints; a bare rule id is recorded as an `Annotation::` id in the audit metadata.
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG2',
      reason:
        'Sandbox pool for a walkthrough driven from the AWS CLI; users exist only when an administrator creates them. Require MFA (TOTP) before real users sign in.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        'Threat protection (compromised-credential and adaptive-authentication checks) needs the Plus plan, billed per monthly active user; a sandbox pool without self sign-up, whose few users an administrator creates, does not warrant it. Move to Plus for real users.',
    });

    this.client = this.userPool.addClient('CliClient', {
      authFlows: { userPassword: true },
      // A public client: the AWS CLI and curl cannot keep a secret, and initiate-auth would need a SECRET_HASH.
      generateSecret: false,
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
  }
}
