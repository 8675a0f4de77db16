/** Bundle entry, the floor: the handler and a DynamoDB client, no idempotency. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { charge } from './payment-handler';

/** Constructed at load, as a handler that talks to DynamoDB would. */
export const client = new DynamoDBClient({});

export const handler = charge;
