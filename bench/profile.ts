import { SCENARIOS, type CallsRow, type Scenario } from './calls';
import type { ContenderId } from './contenders';
import type { DynamoDbLatency, Series } from './latency';
import type { RedisMeasurements } from './redis';

/** One latency profile of the DynamoDB store: how the calls reached DynamoDB Local, and what was measured there. */
export interface DynamoDbProfile {
  /** `loopback` (straight to DynamoDB Local) or `network` (through the proxy that adds a round trip). */
  readonly id: 'loopback' | 'network';
  readonly title: string;
  readonly intro: string;
  readonly options: { readonly iterations: number; readonly warmup: number };
  readonly calls: readonly CallsRow[];
  readonly latency: DynamoDbLatency;
}

/** One row of a profile's table: a shape, its call counts, its floor and both libraries' latency in the same loop. */
export interface ShapeRow {
  readonly shape: Scenario;
  readonly oursCalls: CallsRow | undefined;
  readonly peerCalls: CallsRow | undefined;
  /** The raw `PutItem` (or `SET`) timed in the same loop; absent for a shape that is only counted. */
  readonly floor: Series | undefined;
  readonly ours: Series | undefined;
  readonly peer: Series | undefined;
}

/** The shapes of a DynamoDB profile, in report order: which loop times them and which variant of each library. */
const DYNAMODB_SHAPES: readonly {
  readonly shape: Scenario;
  readonly loop?: keyof DynamoDbLatency;
  readonly ours: ContenderId;
  readonly peer?: ContenderId;
}[] = [
  { shape: SCENARIOS.first, loop: 'first', ours: 'ours', peer: 'powertools' },
  { shape: SCENARIOS.replay, loop: 'replay', ours: 'ours', peer: 'powertools' },
  { shape: SCENARIOS.replayWarm, loop: 'replay', ours: 'ours-cache', peer: 'powertools-cache' },
  { shape: SCENARIOS.throws, ours: 'ours', peer: 'powertools' },
  { shape: SCENARIOS.writeSeparate, loop: 'write', ours: 'ours-separate', peer: 'powertools-separate' },
  { shape: SCENARIOS.writeAtomic, loop: 'write', ours: 'ours-atomic' },
];

const callsOf = (calls: readonly CallsRow[], shape: Scenario, contender: string | undefined) =>
  contender === undefined ? undefined : calls.find((row) => row.scenario === shape && row.contender === contender);

/** A DynamoDB profile's rows, this toolkit beside Powertools. */
export function dynamoDbRows(profile: DynamoDbProfile): ShapeRow[] {
  return DYNAMODB_SHAPES.map(({ shape, loop, ours, peer }) => {
    const series = loop && profile.latency[loop];
    return {
      shape,
      oursCalls: callsOf(profile.calls, shape, ours),
      peerCalls: callsOf(profile.calls, shape, peer),
      floor: series?.['raw-put'],
      ours: series?.[ours],
      peer: peer === undefined ? undefined : series?.[peer],
    };
  });
}

/** The Redis profile's rows: one group per client, no peer (the floor is a raw `SET` on the same client). */
export function redisRows(redis: RedisMeasurements): (ShapeRow & { readonly client: string })[] {
  return Object.entries(redis.latency).flatMap(([client, { first, replay }]) =>
    [
      { shape: SCENARIOS.first, loop: first },
      { shape: SCENARIOS.replay, loop: replay },
      { shape: SCENARIOS.replayWarm, loop: undefined },
      { shape: SCENARIOS.throws, loop: undefined },
    ].map(({ shape, loop }) => ({
      client,
      shape,
      oursCalls: callsOf(redis.calls, shape, client),
      peerCalls: undefined,
      floor: loop?.['raw-set'],
      ours: loop?.ours,
      peer: undefined,
    })),
  );
}

/** The four shapes whose call counts the issue holds (2 / 1 / 0 / 2 today), in that order. */
export const COUNTED_SHAPES: readonly Scenario[] = [SCENARIOS.first, SCENARIOS.replay, SCENARIOS.replayWarm, SCENARIOS.throws];
