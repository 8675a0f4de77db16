import { DynamoDbStore, tableLayout } from '../../lib/idempotency/dynamodb';
import { ATTRIBUTES } from '../../lib/idempotency/schema';
import {
  DEFAULT_TABLE_LAYOUT,
  idFromPartitionValue,
  keyValues,
  resolveTableLayout,
  type TableLayoutOptions,
} from '../../lib/idempotency/table-layout';
import { SINGLE_TABLE_LAYOUT } from '../support/single-table';

describe('table layout', () => {
  it('defaults to the table IdempotencyTable makes: the id as partition key `id`, TTL on `expiration`, no prefix', () => {
    expect(DEFAULT_TABLE_LAYOUT.attributes).toEqual(ATTRIBUTES);
    expect(keyValues(DEFAULT_TABLE_LAYOUT, 'abc')).toEqual({ id: 'abc' });
    expect(DEFAULT_TABLE_LAYOUT.sortKey).toBeUndefined();
    expect(DEFAULT_TABLE_LAYOUT.leadingKeyPrefix).toBe('');
  });

  it("maps the id onto a single table's keys, its TTL attribute and prefixed attribute names", () => {
    const layout = resolveTableLayout(SINGLE_TABLE_LAYOUT);
    expect(keyValues(layout, 'abc')).toEqual({ pk: 'IDEMPOTENCY#abc', sk: 'IDEMPOTENCY' });
    expect(layout.attributes).toEqual({
      id: 'pk',
      expiration: 'ttl',
      status: 'idem_status',
      leaseToken: 'idem_leaseToken',
      leaseExpiresAt: 'idem_leaseExpiresAt',
      fingerprint: 'idem_fingerprint',
      resultEncoding: 'idem_resultEncoding',
      result: 'idem_result',
      createdAt: 'idem_createdAt',
    });
    expect(layout.leadingKeyPrefix).toBe('IDEMPOTENCY#');
  });

  it('puts the id in the sort key too when its template asks, and reads the id back only from values it wrote', () => {
    const layout = resolveTableLayout({ partitionKey: 'PK', partitionKeyValue: 'IDEM#{id}#v1', sortKey: 'SK', sortKeyValue: 'IDEM#{id}' });
    expect(keyValues(layout, 'abc')).toEqual({ PK: 'IDEM#abc#v1', SK: 'IDEM#abc' });
    expect(idFromPartitionValue(layout, 'IDEM#abc#v1')).toBe('abc');
    expect(idFromPartitionValue(layout, 'ORDER#abc#v1')).toBeUndefined();
    expect(idFromPartitionValue(layout, 'IDEM##v1')).toBeUndefined();
    expect(idFromPartitionValue(layout, undefined)).toBeUndefined();
  });

  it('puts the id in as it is, even one that looks like a replacement pattern', () => {
    const layout = resolveTableLayout({ partitionKeyValue: 'IDEM#{id}' });
    expect(keyValues(layout, "a$&b$'c")).toEqual({ id: "IDEM#a$&b$'c" });
    expect(idFromPartitionValue(layout, "IDEM#a$&b$'c")).toBe("a$&b$'c");
  });

  describe('refuses with a TypeError', () => {
    it('a static partition key value, explaining the hot partition and what to do instead', () => {
      const attempt = () =>
        resolveTableLayout({ partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY', sortKey: 'sk', sortKeyValue: '{id}' });
      expect(attempt).toThrow(TypeError);
      expect(attempt).toThrow(
        /Expected `partitionKeyValue` to contain \{id\}, got "IDEMPOTENCY": a static partition key value puts every idempotency record on one partition key/,
      );
      expect(attempt).toThrow(/1,000 write units/);
      expect(attempt).toThrow(/'IDEMPOTENCY#\{id\}'.*`sortKeyValue: 'IDEMPOTENCY'`/);
    });

    it.each<[string, TableLayoutOptions, RegExp]>([
      ['the id twice in the partition key', { partitionKeyValue: '{id}#{id}' }, /`partitionKeyValue` to contain \{id\} once/],
      ['the id twice in the sort key', { sortKey: 'sk', sortKeyValue: '{id}{id}' }, /`sortKeyValue` to contain \{id\} at most once/],
      ['a sort key without its value', { sortKey: 'sk' }, /`sortKey` is set without `sortKeyValue`/],
      ['a sort key value without its key', { sortKeyValue: 'IDEMPOTENCY' }, /`sortKeyValue` is set without `sortKey`/],
      ['an empty sort key value', { sortKey: 'sk', sortKeyValue: '' }, /`sortKeyValue` to be non-empty/],
      ['an empty key name', { partitionKey: '' }, /Expected `partitionKey` to be an attribute name of 1 to 255 characters, got ""/],
      [
        'a TTL attribute that is not a string',
        { ttlAttribute: 5 as unknown as string },
        /Expected `ttlAttribute` to be an attribute name .*got 5/,
      ],
      [
        'one name for two key roles',
        { partitionKey: 'pk', sortKey: 'pk', sortKeyValue: 'X' },
        /`sortKey` and `partitionKey` name the same attribute "pk"/,
      ],
      ['the TTL attribute as the partition key', { ttlAttribute: 'id' }, /`ttlAttribute` and `partitionKey` name the same attribute "id"/],
      [
        "a key named like one of the library's attributes",
        { partitionKey: 'status' },
        /`partitionKey` "status" is also the name of the library's `status` attribute: set `attributePrefix`/,
      ],
    ])('%s', (_case, options, message) => {
      expect(() => resolveTableLayout(options)).toThrow(TypeError);
      expect(() => resolveTableLayout(options)).toThrow(message);
    });

    it('accepts the same key name once a prefix keeps the attributes apart', () => {
      expect(resolveTableLayout({ partitionKey: 'status', attributePrefix: 'idem_' }).attributes.status).toBe('idem_status');
    });
  });

  describe('DynamoDbStore', () => {
    it('refuses a static partition key at construction (cold start), not at the first request', () => {
      expect(
        () =>
          new DynamoDbStore({
            tableName: 't',
            layout: tableLayout({ partitionKey: 'pk', partitionKeyValue: 'IDEMPOTENCY', sortKey: 'sk', sortKeyValue: '{id}' }),
          }),
      ).toThrow(/hot|one partition/);
    });

    it('refuses an unknown option, so a misspelt TTL attribute cannot leave records that never expire', () => {
      const options = { ttlAtribute: 'ttl' } as unknown as TableLayoutOptions;
      expect(() => tableLayout(options)).toThrow('Unknown option `ttlAtribute` for tableLayout; did you mean `ttlAttribute`?');
    });

    it('names the layout capability when 0.2.0 layout options are given to the store itself', () => {
      const options = { tableName: 't', ttlAttribute: 'ttl' } as unknown as ConstructorParameters<typeof DynamoDbStore>[0];
      expect(() => new DynamoDbStore(options)).toThrow(
        '`ttlAttribute` is a table layout option: pass `layout: tableLayout({ ttlAttribute, … })` from lambda-idempotency/dynamodb.',
      );
    });

    it('refuses a layout that tableLayout() did not make (the options themselves, say)', () => {
      const options = { tableName: 't', layout: SINGLE_TABLE_LAYOUT } as unknown as ConstructorParameters<typeof DynamoDbStore>[0];
      expect(() => new DynamoDbStore(options)).toThrow(
        'Expected `layout` to be tableLayout({ … }) from lambda-idempotency/dynamodb, got an object',
      );
    });

    it('takes the layout tableLayout() validated', () => {
      expect(new DynamoDbStore({ tableName: 't', layout: tableLayout(SINGLE_TABLE_LAYOUT) }).layout).toEqual(
        resolveTableLayout(SINGLE_TABLE_LAYOUT),
      );
    });

    it('keeps the default layout for existing users', () => {
      expect(new DynamoDbStore({ tableName: 't' }).layout).toEqual(DEFAULT_TABLE_LAYOUT);
    });
  });
});
