import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * About how many bytes DynamoDB counts for attribute values (names in UTF-8 plus values), a little over
 * rather than under, so a limit checked before sending holds when DynamoDB counts.
 */
export function attributeMapBytes(map: Record<string, AttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(map)) bytes += Buffer.byteLength(name) + attributeBytes(value);
  return bytes;
}

function attributeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + n.length + 1, 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.M) return 3 + attributeMapBytes(value.M);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + 1 + attributeBytes(v), 0);
  return 1; // BOOL, NULL
}
