import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { TTL_ATTRIBUTE } from 'lambda-idempotency/cdk';
import { IdempotencyTable, type IdempotencyTableProps } from 'lambda-idempotency/cdk';
import { testApp } from '../infra/cdk-app';

const { STRONG, EVENTUAL } = dynamodb.MultiRegionConsistency;

function tableIn(props: IdempotencyTableProps = {}, region = 'us-east-1') {
  const stack = new Stack(testApp(), 'TableStack', { env: { region } });
  const table = new IdempotencyTable(stack, 'Idempotency', props);
  return { stack, table };
}

describe('IdempotencyTable across Regions', () => {
  it('stays in one Region by default, as before: one replica, no consistency mode', () => {
    const template = Template.fromStack(tableIn().stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ Region: 'us-east-1' })],
      MultiRegionConsistency: Match.absent(),
    });
  });

  describe('refuses a setup where two Regions could both claim a key and both run', () => {
    it.each<[string, IdempotencyTableProps]>([
      ['replicas with the default (eventual) consistency', { replicas: [{ region: 'us-east-2' }] }],
      [
        'replicas with eventual consistency chosen',
        { replicas: [{ region: 'us-east-2' }, { region: 'us-west-2' }], multiRegionConsistency: EVENTUAL },
      ],
    ])('%s', (_case, props) => {
      expect(() => tableIn(props)).toThrow(
        /^TableStack\/Idempotency: `replicas` need `multiRegionConsistency: MultiRegionConsistency.STRONG`/,
      );
      expect(() => tableIn(props)).toThrow(/claims the same key again, and the handler runs twice/);
    });

    it('a witness without strong consistency', () => {
      expect(() => tableIn({ witnessRegion: 'us-west-2' })).toThrow(
        /`witnessRegion` is only for `multiRegionConsistency: MultiRegionConsistency.STRONG`/,
      );
    });

    it('a replica added after construction, at synth', () => {
      const { stack, table } = tableIn();
      table.table.addReplica({ region: 'us-east-2' });
      expect(() => Template.fromStack(stack)).toThrow(
        /a replica \(added with `addReplica`\) needs `multiRegionConsistency: MultiRegionConsistency.STRONG`/,
      );
    });
  });

  describe('with multi-Region strong consistency', () => {
    it('deploys three full replicas, keeping TTL on the schema attribute', () => {
      const { stack } = tableIn({ multiRegionConsistency: STRONG, replicas: [{ region: 'us-east-2' }, { region: 'us-west-2' }] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        MultiRegionConsistency: 'STRONG',
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      });
      const replicas = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!.Properties.Replicas as { Region: string }[];
      expect(replicas.map((replica) => replica.Region).sort()).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    });

    it('deploys two replicas and a witness', () => {
      const { stack } = tableIn(
        { multiRegionConsistency: STRONG, replicas: [{ region: 'eu-west-2' }], witnessRegion: 'eu-central-1' },
        'eu-west-1',
      );
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        MultiRegionConsistency: 'STRONG',
        GlobalTableWitnesses: [{ Region: 'eu-central-1' }],
      });
      expect(Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0]!.Properties.Replicas).toHaveLength(2);
    });

    it('can leave TTL off, where DynamoDB refuses it on a strongly consistent table', () => {
      const { stack } = tableIn({
        multiRegionConsistency: STRONG,
        replicas: [{ region: 'us-east-2' }, { region: 'us-west-2' }],
        timeToLive: false,
      });
      Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        MultiRegionConsistency: 'STRONG',
        TimeToLiveSpecification: Match.absent(),
      });
    });

    it.each<[string, IdempotencyTableProps, RegExp]>([
      ['two Regions without a witness', { replicas: [{ region: 'us-east-2' }] }, /exactly 3 replicas/],
      [
        'a witness beside two replicas',
        { replicas: [{ region: 'us-east-2' }, { region: 'us-west-2' }], witnessRegion: 'us-east-2' },
        /exactly 2 replicas/,
      ],
      ['a Region outside the Region set', { replicas: [{ region: 'us-east-2' }, { region: 'eu-west-1' }] }, /not in the same region set/],
    ])("still keeps DynamoDB's rules for it: refuses %s", (_case, props, message) => {
      expect(() => tableIn({ multiRegionConsistency: STRONG, ...props })).toThrow(message);
    });
  });
});
