/**
 * The payment ledger table's layout (a single-table design), shared by the example function,
 * `npm start` and the CDK stack. Imports nothing, so the CDK app can use it without the runtime.
 *
 *   pk = INTENT#<downstream key>  sk = INTENT          the request a payment id was reserved for, written
 *                                                      before the charge so a re-run finds the same payment
 *   pk = OWNER#<principal hash>   sk = PAYMENT#<id>    the caller's payment (pending, then succeeded or
 *                                                      failed); ids sort by creation time, so a descending
 *                                                      Query lists the newest first
 *   pk = CHARGE#<downstream key>  sk = CHARGE          the fake gateway's charge, one per downstream key
 *
 * Every key is bounded whatever the caller sends: the downstream key is a sha256, the principal is
 * hashed (a JWT `sub` and `iss` can be long), and an id is 30 characters.
 */
export const LEDGER_PARTITION_KEY = 'pk';
export const LEDGER_SORT_KEY = 'sk';

/** The environment variable that names the ledger table. */
export const LEDGER_TABLE_NAME_ENV = 'LEDGER_TABLE_NAME';

/**
 * The ledger actions the payment function uses: reserve, charge and settle (UpdateItem), open a
 * payment (PutItem), read a payment or a charge (GetItem), list (Query).
 */
export const LEDGER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] as const;
