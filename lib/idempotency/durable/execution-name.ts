import { createHash } from 'node:crypto';

/** What Lambda accepts as a `DurableExecutionName`: 1 to 64 of these characters. */
export const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The durable execution's name for a message: sha256 of the scope and the message's stable id, in
 * base64url (43 characters, all allowed in a name). Lambda starts one execution per name, so every
 * redelivery of one message maps onto the execution the first delivery started; two scopes never share one.
 */
export function executionName(scope: string, stableId: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['durable-execution/v1', scope, stableId]))
    .digest('base64url');
}
