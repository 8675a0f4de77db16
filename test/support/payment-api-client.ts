import { randomUUID } from 'node:crypto';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A response as a test reads it. */
export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Talks to a running payment API over real sockets, as a client would. */
export function paymentClient(baseUrl: string) {
  async function request(
    method: string,
    path: string,
    init: { token?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
    if (init.key !== undefined) headers['Idempotency-Key'] = init.key;
    if (init.body !== undefined) headers['Content-Type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body, text };
  }
  return {
    request,
    pay: (token: string, key: string | undefined, body: unknown = { amount: 1000, currency: 'EUR', source: 'tok_visa' }) =>
      request('POST', '/payments', { token, key, body }),
    newKey: () => randomUUID(),
  };
}

/** The charges the fake gateway recorded, as the ledger holds them. */
export async function charges(client: DynamoDBClient, ledgerTable: string) {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: ledgerTable, ConsistentRead: true }));
  return Items.map((item) => unmarshall(item)).filter((item) => String(item.pk).startsWith('CHARGE#'));
}

/**
 * The gateway's charges that have no payment in the ledger: a charge is recorded under its payment
 * by the charge's downstream key, so this must always be empty, whatever a caller sent.
 */
export async function chargesWithoutPayment(client: DynamoDBClient, ledgerTable: string) {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: ledgerTable, ConsistentRead: true }));
  const items = Items.map((item) => unmarshall(item));
  const paid = new Set(items.filter((item) => String(item.sk).startsWith('PAYMENT#')).map((item) => String(item.downstreamKey)));
  return items.filter((item) => String(item.pk).startsWith('CHARGE#') && !paid.has(String(item.pk).slice('CHARGE#'.length)));
}
