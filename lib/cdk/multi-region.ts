import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/** The multi-Region props of an `IdempotencyTable`. */
export interface MultiRegionProps {
  /**
   * Replicas in other Regions, allowed only with `multiRegionConsistency: STRONG`. DynamoDB's own rules
   * for it apply (checked at synth): three Regions of one Region set, as two replicas, or one and a `witnessRegion`.
   *
   * @default - none: a single-Region table
   */
  readonly replicas?: dynamodb.ReplicaTableProps[];

  /**
   * How replicas agree. `STRONG` (MRSC) makes a write wait for a second Region, so a claim made in one Region
   * is seen by a claim in any other. `EVENTUAL` (MREC) is refused with replicas: each Region would claim alone.
   *
   * @default MultiRegionConsistency.EVENTUAL, so no replicas
   */
  readonly multiRegionConsistency?: dynamodb.MultiRegionConsistency;

  /**
   * The third Region of a strongly consistent table with one replica: it holds the replicated changes, serves
   * no reads or writes, and costs less than a third replica.
   *
   * @default - none
   */
  readonly witnessRegion?: string;

  /**
   * Whether DynamoDB deletes expired records (TTL on the schema's `expiration`). Turn it off only where
   * DynamoDB refuses TTL: its documentation has listed TTL among the features strongly consistent
   * (MRSC) tables lack. Records then stay until you delete them; once expired they still count as absent,
   * since every condition tests expiry, so they cost storage, never a wrong answer.
   *
   * @default true
   */
  readonly timeToLive?: boolean;
}

/**
 * Throws at synth, naming the props, unless replicas come with multi-Region strong consistency.
 * With eventual consistency the conditional claim holds in one Region only: a retry that reaches
 * another Region before the first claim has replicated claims the same key, and the handler runs twice.
 */
export function validateMultiRegion(scope: IConstruct, props: MultiRegionProps): void {
  const strong = props.multiRegionConsistency === dynamodb.MultiRegionConsistency.STRONG;
  if (strong) return;
  if ((props.replicas?.length ?? 0) > 0) throw new Error(`${scope.node.path}: ${eventualReplicas('`replicas` need')}`);
  if (props.witnessRegion !== undefined) {
    throw new Error(`${scope.node.path}: \`witnessRegion\` is only for \`multiRegionConsistency: MultiRegionConsistency.STRONG\`.`);
  }
}

/**
 * The same rule for replicas added after construction (`table.addReplica()`), checked on what the
 * table will deploy: any replica beyond the stack's own Region, without strong consistency, fails synth.
 */
export function refuseEventualReplicasAtSynth(table: dynamodb.TableV2): void {
  table.node.addValidation({
    validate: () => {
      const resource = table.node.defaultChild as dynamodb.CfnGlobalTable;
      const stack = Stack.of(table);
      const replicas = (stack.resolve(resource.replicas) as unknown[] | undefined) ?? [];
      const strong = stack.resolve(resource.multiRegionConsistency) === dynamodb.MultiRegionConsistency.STRONG;
      return replicas.length > 1 && !strong ? [eventualReplicas('a replica (added with `addReplica`) needs')] : [];
    },
  });
}

/** The refusal after its subject, which brings its own verb: "`replicas` need", "a replica … needs". */
function eventualReplicas(subjectAndVerb: string): string {
  return (
    `${subjectAndVerb} \`multiRegionConsistency: MultiRegionConsistency.STRONG\`. With eventual consistency (the default) a conditional ` +
    "claim sees only its own Region's replica: a retry that reaches another Region within the replication lag (usually under " +
    'a second, longer in an outage) claims the same key again, and the handler runs twice. Choose STRONG (three Regions of one ' +
    'Region set: two replicas, or one and a `witnessRegion`), or keep the table in one Region.'
  );
}
