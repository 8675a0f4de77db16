/**
 * The payment ledger table's layout (a single-table design), shared by the example function,
 * `npm start` and the CDK stack. Imports nothing, so the CDK app can use it without the runtime.
 *
 *   pk = CHARGE#<downstream key>   sk = CHARGE            the fake gateway's charge, one per downstream key
 *   pk = OWNER#<principal>         sk = PAYMENT#<id>      the caller's payment, listed by GET /payments
 */
export const LEDGER_PARTITION_KEY = 'pk';
export const LEDGER_SORT_KEY = 'sk';

/** The environment variable that names the ledger table. */
export const LEDGER_TABLE_NAME_ENV = 'LEDGER_TABLE_NAME';

/** The ledger actions the payment function uses: charge (UpdateItem), record (PutItem), read (GetItem), list (Query). */
export const LEDGER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] as const;
