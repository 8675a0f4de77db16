import { EXPIRED_KEY_GRACE_MS } from '../../../lib/idempotency/stores/redis-record';
import { PUT_STEP } from '../../../lib/idempotency/stores/redis-scripts';
import { putStepArgs, stepFromFields, stepPutResultFromReply } from '../../../lib/idempotency/stores/redis-step';

const NOW = 1_764_000_000_123;
const EXPIRATION = 1_764_003_600;

describe('Redis step encoding (pure)', () => {
  it('sends put-step arguments in the order the script reads them, gzip bytes as base64 and no result for `undefined`', () => {
    const data = new Uint8Array([0x1f, 0x8b, 0, 255]);
    const lifetime = String((EXPIRATION + 1) * 1000 - NOW + EXPIRED_KEY_GRACE_MS);
    expect(putStepArgs({ id: 's', result: { encoding: 'json-gzip', data }, expiration: EXPIRATION, now: NOW })).toEqual([
      String(EXPIRATION),
      lifetime,
      String(NOW),
      'json-gzip',
      Buffer.from(data).toString('base64'),
    ]);
    expect(putStepArgs({ id: 's', result: { encoding: 'undefined' }, expiration: EXPIRATION, now: NOW })).toEqual([
      String(EXPIRATION),
      lifetime,
      String(NOW),
      'undefined',
    ]);
  });

  it("reads a live step's result, and nothing for an empty hash, an expired step or a record", () => {
    const step = { status: 'STEP', expiration: String(EXPIRATION), resultEncoding: 'json', result: '{"n":1}' };
    expect(stepFromFields(step, NOW)).toEqual({ encoding: 'json', data: '{"n":1}' });
    expect(stepFromFields(step, (EXPIRATION + 1) * 1000 - 1)).toEqual({ encoding: 'json', data: '{"n":1}' }); // its last second
    expect(stepFromFields(step, (EXPIRATION + 1) * 1000)).toBeUndefined();
    expect(stepFromFields({}, NOW)).toBeUndefined();
    expect(stepFromFields({ ...step, expiration: undefined } as never, NOW)).toBeUndefined();
    expect(stepFromFields({ ...step, status: 'COMPLETED' }, NOW)).toBeUndefined();
  });

  it("turns each put-step reply into the store's result, and refuses a reply it does not know or a live hash that is no step", () => {
    const step = ['status', 'STEP', 'expiration', String(EXPIRATION), 'resultEncoding', 'json', 'result', '"first"'];
    expect(stepPutResultFromReply(['stored'], NOW)).toEqual({ stored: true });
    expect(stepPutResultFromReply(['existing', ...step], NOW)).toEqual({ stored: false, existing: { encoding: 'json', data: '"first"' } });
    expect(() => stepPutResultFromReply(['existing', 'status', 'IN_PROGRESS', 'expiration', String(EXPIRATION)], NOW)).toThrow(
      'not a step',
    );
    expect(() => stepPutResultFromReply(1, NOW)).toThrow('Unexpected reply from the put-step script');
    expect(() => stepPutResultFromReply(['other'], NOW)).toThrow('Unexpected reply from the put-step script');
  });

  it('has a script that touches only KEYS[1], so a cluster runs it on one slot', () => {
    expect(PUT_STEP.source.match(/KEYS\[\d+\]/g)?.every((key) => key === 'KEYS[1]')).toBe(true);
    expect(PUT_STEP.source).toContain("'status', 'STEP'");
    expect(PUT_STEP.sha).toMatch(/^[0-9a-f]{40}$/);
  });
});
