import { createHash } from 'node:crypto';
import { STEP_STATUS } from '../core/steps/step-record';

/**
 * The store's Lua scripts: one per transition, each touching exactly one key (`KEYS[1]`), so every call is
 * one round trip and hashes to one cluster slot. Redis runs a script atomically: nothing interleaves
 * between its read and its write, which is what DynamoDB's condition expressions give the other store.
 * Times come from the caller (`now`), as in DynamoDB's conditions, and so do the keys' lifetimes: each
 * is set as a duration (`PEXPIRE`) measured on the caller's clock, so a server whose clock differs from
 * the function's neither frees a record early nor keeps it late.
 */
export interface RedisScript {
  readonly name: 'claim' | 'complete' | 'release' | 'renew' | 'put-step';
  readonly source: string;
  /** SHA1 of `source`: what `EVALSHA` calls and `SCRIPT LOAD` would answer. */
  readonly sha: string;
}

/**
 * Lua read of the key's hash, as the claim, the renewal and the step put begin: `old` is the flat reply (handed back
 * as the holder), `f` the same fields by name; both empty for an absent key.
 */
const READ_HASH = `local old = redis.call('HGETALL', KEYS[1])
local f = {}
for i = 1, #old, 2 do f[old[i]] = old[i + 1] end`;

function script(name: RedisScript['name'], source: string): RedisScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Claim. ARGV: leaseToken, leaseExpiresAt (ms), expiration (s), the key's lifetime (ms), now (ms), [fingerprint].
 * The key is free when
 *
 *   absent                      no fields (or Redis expired it)
 *   expired                     expiration < now (s)       the caller's clock may run ahead of the server's
 *   crashed / timed-out owner   IN_PROGRESS and leaseExpiresAt < now (ms)
 *
 * Otherwise the holder is returned in the same reply, or `retried` when the holder is this very claim
 * (same lease token): its first answer was lost, and it still is the caller's claim.
 * Replies: {'claimed', ...replaced fields}, {'retried'}, {'held', ...holder fields}.
 */
export const CLAIM = script(
  'claim',
  `${READ_HASH}
if #old > 0 then
  local nowMs = tonumber(ARGV[5])
  local expired = (tonumber(f.expiration) or 0) < math.floor(nowMs / 1000)
  local leaseEnded = f.status == 'IN_PROGRESS' and (tonumber(f.leaseExpiresAt) or 0) < nowMs
  if not expired and not leaseEnded then
    if f.status == 'IN_PROGRESS' and f.leaseToken == ARGV[1] then return {'retried'} end
    table.insert(old, 1, 'held')
    return old
  end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'status', 'IN_PROGRESS', 'leaseToken', ARGV[1], 'leaseExpiresAt', ARGV[2], 'expiration', ARGV[3], 'createdAt', ARGV[5])
if #ARGV >= 6 then redis.call('HSET', KEYS[1], 'fingerprint', ARGV[6]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
table.insert(old, 1, 'claimed')
return old`,
);

/**
 * Complete, fenced on the lease token. ARGV: leaseToken, expiration (s), resultEncoding, [result].
 * The completed record keeps the token, so a retried completion that already landed passes the fence
 * again; an invocation whose lease was taken over finds another token and leaves the record alone.
 * An absent key (expired by Redis) is not completed. The key's lifetime moves by as much as the record's
 * expiration does (the claim set it on the caller's clock; nothing here needs a clock). Replies 1 or 0.
 */
export const COMPLETE = script(
  'complete',
  `local f = redis.call('HMGET', KEYS[1], 'leaseToken', 'expiration')
if f[1] ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('HSET', KEYS[1], 'status', 'COMPLETED', 'expiration', ARGV[2], 'resultEncoding', ARGV[3])
if #ARGV >= 4 then redis.call('HSET', KEYS[1], 'result', ARGV[4]) else redis.call('HDEL', KEYS[1], 'result') end
redis.call('HDEL', KEYS[1], 'leaseExpiresAt')
if ttl >= 0 then redis.call('PEXPIRE', KEYS[1], ttl + (tonumber(ARGV[2]) - (tonumber(f[2]) or tonumber(ARGV[2]))) * 1000) end
return 1`,
);

/**
 * Release: delete the caller's own in-progress record so a retry runs. ARGV: leaseToken.
 * An absent key counts as released (a retried release that landed, or a record Redis expired);
 * another token, or a completed record, is left alone. Replies 1 or 0.
 */
export const RELEASE = script(
  'release',
  `local f = redis.call('HMGET', KEYS[1], 'status', 'leaseToken')
if not f[1] then return 1 end
if f[1] ~= 'IN_PROGRESS' or f[2] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
);

/**
 * Renew, fenced on the lease token: moves the caller's own in-progress lease forward and the record's
 * expiration with it, and refreshes the key's lifetime (`PEXPIRE`, measured on the caller's clock like the
 * claim's). ARGV: leaseToken, leaseExpiresAt (ms), expiration (s), the key's lifetime (ms).
 * A lease already at or past the asked end is the caller's own retry that landed: renewed, nothing written.
 * Replies: {'renewed'}, {'refused', ...holder fields} (empty when the key is gone).
 */
export const RENEW = script(
  'renew',
  `${READ_HASH}
if f.status ~= 'IN_PROGRESS' or f.leaseToken ~= ARGV[1] then
  table.insert(old, 1, 'refused')
  return old
end
if (tonumber(f.leaseExpiresAt) or 0) >= tonumber(ARGV[2]) then return {'renewed'} end
redis.call('HSET', KEYS[1], 'leaseExpiresAt', ARGV[2], 'expiration', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'renewed'}`,
);

/**
 * Put a step (`idem.step`'s recovery point), written once: the DynamoDB step's condition, in one script on one key.
 * ARGV: expiration (s), the key's lifetime (ms), now (ms), resultEncoding, [result]. A hash already there whose
 * expiration has not passed (the records' rule: `expiration < now (s)` is expired) stands, and comes back in the
 * same reply: another run's result, or this very put's when a retry follows a lost answer (the same bytes, so
 * the caller goes on with the value it stored). An expired one is replaced, with a fresh lifetime on the
 * caller's clock. Replies: {'stored'}, {'existing', ...its fields}.
 */
export const PUT_STEP = script(
  'put-step',
  `${READ_HASH}
if #old > 0 then
  if (tonumber(f.expiration) or 0) >= math.floor(tonumber(ARGV[3]) / 1000) then
    table.insert(old, 1, 'existing')
    return old
  end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'status', '${STEP_STATUS}', 'expiration', ARGV[1], 'createdAt', ARGV[3], 'resultEncoding', ARGV[4])
if #ARGV >= 5 then redis.call('HSET', KEYS[1], 'result', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'stored'}`,
);
