import type { IdempotencyStore } from 'lambda-idempotency';
import { cacheReplaysAnotherKey } from './engine-adapter';
import type { Mutant } from './mutant';

/** The store with some of its methods replaced; every other call goes to the real one. */
function overriding(store: IdempotencyStore, methods: Partial<IdempotencyStore>): IdempotencyStore {
  return new Proxy(store, {
    get: (target, property) => (property in methods ? methods[property as keyof IdempotencyStore] : Reflect.get(target, property, target)),
  });
}

/** A claim without the lease condition: it takes an in-progress key whose lease is still live. */
export const claimIgnoresLease: Mutant = {
  name: 'a claim without the lease condition',
  wrap: (store) =>
    overriding(store, {
      claim: async (request) => {
        const existing = await store.get(request.id);
        if (existing?.status === 'IN_PROGRESS' && existing.leaseToken !== request.leaseToken)
          await store.release(request.id, existing.leaseToken);
        return store.claim(request);
      },
    }),
};

/** A completion without the fence: it completes whatever the record's lease token. */
export const completeIgnoresFence: Mutant = {
  name: 'a completion without the fence',
  wrap: (store) =>
    overriding(store, {
      complete: async (request) => {
        const existing = await store.get(request.id);
        if (existing && existing.leaseToken !== request.leaseToken && existing.leaseToken !== undefined) {
          return store.complete({ ...request, leaseToken: existing.leaseToken });
        }
        return store.complete(request);
      },
    }),
};

/** A release that ignores the token: it deletes the record whoever holds it. */
export const releaseIgnoresToken: Mutant = {
  name: 'a release that ignores the token',
  wrap: (store) =>
    overriding(store, {
      release: async (id, leaseToken) => {
        const existing = await store.get(id);
        return store.release(id, existing?.leaseToken ?? leaseToken);
      },
    }),
};

/** A renewal without the fence: it moves the lease of whoever holds the key. */
export const renewIgnoresFence: Mutant = {
  name: 'a renewal without the fence',
  wrap: (store) =>
    overriding(store, {
      renew: async (request) => {
        const existing = await store.get(request.id);
        const leaseToken = existing?.status === 'IN_PROGRESS' ? existing.leaseToken : request.leaseToken;
        return store.renew!({ ...request, leaseToken });
      },
    }),
};

/** A renewal that moves the lease but not the record's expiration: TTL may delete the record under a live handler. */
export const renewKeepsExpiration: Mutant = {
  name: 'a renewal that keeps the expiration',
  wrap: (store) =>
    overriding(store, {
      renew: async (request) => {
        const existing = await store.get(request.id);
        return store.renew!({ ...request, expiration: existing?.expiration ?? request.expiration });
      },
    }),
};

/** A warm cache that replays another key's record. */
export const cacheReplaysOtherKey: Mutant = { name: 'a cache that replays another key', install: cacheReplaysAnotherKey };

/** The mutants the CI budget must catch. */
export const MUTANTS: readonly Mutant[] = [
  claimIgnoresLease,
  completeIgnoresFence,
  releaseIgnoresToken,
  renewIgnoresFence,
  renewKeepsExpiration,
  cacheReplaysOtherKey,
];
