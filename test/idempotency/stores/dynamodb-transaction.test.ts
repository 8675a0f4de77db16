import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { idempotent, type BusinessWrite, type CompleteRequest, type PendingWrite } from '../../../lib/idempotency';
import { DynamoDbStore } from '../../../lib/idempotency/dynamodb';
import { dynamoDbTransactions } from '../../../lib/idempotency/dynamodb-transactions';
import { atomicCompletionInput, cancellationOutcome, transactionToken } from '../../../lib/idempotency/stores/dynamodb-transaction';
import { lambdaContext } from '../../support/lambda-context';
import { recordingLogger } from '../../support/silent-logger';

const request: CompleteRequest = {
  id: 'rec',
  leaseToken: 'lease-1',
  result: { encoding: 'json', data: '{"ok":1}' },
  expiration: 1_796_086_400,
};
const write = (action: BusinessWrite, name = 'w', marshalled = false): PendingWrite => ({
  action,
  name,
  marshalled,
  onConditionFailure: 'release',
});
const debit: BusinessWrite = {
  Update: {
    TableName: 'ledger',
    Key: { pk: 'alice' },
    UpdateExpression: 'SET balance = balance - :a',
    ConditionExpression: 'balance >= :a',
    ExpressionAttributeValues: { ':a': 5 },
  },
};

// Compile-time: one element of either SDK's TransactItems is a BusinessWrite, as it stands.
const documentForm: NonNullable<TransactWriteCommandInput['TransactItems']>[number] = { Put: { TableName: 't', Item: { pk: 'x', n: 1 } } };
const attributeValueForm: TransactWriteItem = { Delete: { TableName: 't', Key: { pk: { S: 'x' } } } };
const accepted: BusinessWrite[] = [documentForm, attributeValueForm];

describe('the atomic completion input (built without a client)', () => {
  it('sends the writes in order, marshalled, then the completion fenced on the lease token and on the record being in progress', () => {
    const input = atomicCompletionInput('idem', request, [write(debit, 'debit'), write(accepted[1]!, 'raw', true)]);
    expect(input.TransactItems).toHaveLength(3);
    expect(input.TransactItems![0]).toEqual({
      Update: { ...debit.Update, Key: { pk: { S: 'alice' } }, ExpressionAttributeValues: { ':a': { N: '5' } } },
    });
    expect(input.TransactItems![1]).toEqual(attributeValueForm);
    expect(input.TransactItems![2]!.Update).toMatchObject({
      TableName: 'idem',
      Key: { id: { S: 'rec' } },
      ConditionExpression: '#leaseToken = :mine AND #status = :inProgress',
      ExpressionAttributeValues: expect.objectContaining({
        ':mine': { S: 'lease-1' },
        ':inProgress': { S: 'IN_PROGRESS' },
        ':result': { S: '{"ok":1}' },
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('derives a ClientRequestToken of at most 36 characters from the lease token: the same for every retry, another for another lease', () => {
    expect(atomicCompletionInput('idem', request, [write(debit)]).ClientRequestToken).toBe(transactionToken('lease-1'));
    expect(transactionToken('lease-1')).toHaveLength(36);
    expect(transactionToken('lease-1')).not.toBe(transactionToken('lease-2'));
  });

  it('refuses a write on the idempotency record itself, and a put on the item another write updates', () => {
    const onRecord: BusinessWrite = { Delete: { TableName: 'idem', Key: { id: 'rec' } } };
    expect(() => atomicCompletionInput('idem', request, [write(onRecord, 'oops')])).toThrow(
      'The write oops acts on the same item as the idempotency record',
    );
    const put: BusinessWrite = { Put: { TableName: 'ledger', Item: { pk: 'alice', balance: 0 } } };
    expect(() => atomicCompletionInput('idem', request, [write(put, 'put'), write(debit, 'debit')])).toThrow(
      'The write put acts on the same item as the write debit',
    );
  });

  it('refuses a put over 400 KB and a transaction over 4 MB before sending', () => {
    const big = (pk: string, kb: number): BusinessWrite => ({ Put: { TableName: 'ledger', Item: { pk, blob: 'x'.repeat(kb * 1024) } } });
    expect(() => atomicCompletionInput('idem', request, [write(big('a', 401), 'huge')])).toThrow(
      /The write huge puts an item of about \d+ bytes; DynamoDB's limit is 409600/,
    );
    const many = Array.from({ length: 11 }, (_, i) => write(big(`p${i}`, 399), `put ${i}`));
    expect(() => atomicCompletionInput('idem', request, many)).toThrow(/a transaction holds at most 4194304/);
  });

  it('refuses a document write that cannot be marshalled, naming it', () => {
    const bad: BusinessWrite = { Put: { TableName: 'ledger', Item: { pk: 'a', missing: undefined } } };
    expect(() => atomicCompletionInput('idem', request, [write(bad, 'bad put')])).toThrow(/The write bad put cannot be marshalled/);
  });
});

describe('a cancelled commit', () => {
  const cancelled = (codes: (string | { Code: string; Item?: Record<string, unknown> })[]) =>
    Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((code) => (typeof code === 'string' ? { Code: code } : code)),
    });
  const writes = [write(debit, 'debit')];

  it('is fenced when the completion failed on another lease token, and done when it failed on a record this token completed', () => {
    const other = {
      Code: 'ConditionalCheckFailed',
      Item: {
        id: { S: 'rec' },
        status: { S: 'IN_PROGRESS' },
        leaseToken: { S: 'lease-2' },
        leaseExpiresAt: { N: '1' },
        expiration: { N: '2' },
      },
    };
    expect(cancellationOutcome(cancelled(['None', other]), request, writes)).toEqual({ completed: false, reason: 'fenced' });
    const mine = {
      Code: 'ConditionalCheckFailed',
      Item: { id: { S: 'rec' }, status: { S: 'COMPLETED' }, leaseToken: { S: 'lease-1' }, expiration: { N: '2' } },
    };
    expect(cancellationOutcome(cancelled(['ConditionalCheckFailed', mine]), request, writes)).toEqual({ completed: true });
  });

  it("names the handler's writes whose conditions failed, with the item in document form", () => {
    const failed = { Code: 'ConditionalCheckFailed', Item: { pk: { S: 'alice' }, balance: { N: '1' } } };
    expect(cancellationOutcome(cancelled([failed, 'None']), request, writes)).toEqual({
      completed: false,
      reason: 'condition-failed',
      failures: [{ index: 0, name: 'debit', code: 'ConditionalCheckFailed', item: { pk: 'alice', balance: 1 } }],
    });
  });

  it('rethrows a TransactionConflict as a fault (retried) and turns a ValidationError into IdempotencyWriteInvalidError', () => {
    const conflict = cancelled(['TransactionConflict', 'None']);
    expect(() => cancellationOutcome(conflict, request, writes)).toThrow(conflict);
    expect(() => cancellationOutcome(cancelled(['ValidationError', 'None']), request, writes)).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_WRITE_INVALID', message: expect.stringContaining('debit') }),
    );
  });
});

describe('a TransactionConflict (which no proxy can make: aws-sdk-client-mock)', () => {
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  afterAll(() => mock.restore());

  it("is retried within the invocation's time with the same items and token, and the caller gets its result", async () => {
    mock.on(PutItemCommand).resolves({});
    const conflict = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
    });
    mock.on(TransactWriteItemsCommand).rejectsOnce(conflict).resolves({});
    const store = new DynamoDbStore({ tableName: 'idem', client, transactions: dynamoDbTransactions() });
    const handler = idempotent(
      async (_e: unknown, _c, idem) => {
        idem.write(debit, { name: 'debit' });
        return 'paid';
      },
      { store, key: () => 'k', logger: recordingLogger() },
    );
    expect(await handler({}, lambdaContext(10_000))).toBe('paid');
    const sent = mock.commandCalls(TransactWriteItemsCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
  });
});
