import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KMSClient } from '@aws-sdk/client-kms';

/** One KMS operation as the stand-in saw it. */
export interface KmsCall {
  readonly operation: string;
  readonly keyId: string | undefined;
  readonly encryptionContext: Record<string, string> | undefined;
}

/**
 * A stand-in for AWS KMS's HTTP API (JSON 1.1, `X-Amz-Target: TrentService.*`) on 127.0.0.1, enough for the real
 * SDK client: `GenerateDataKey` and `Decrypt`, with keys, aliases, encryption contexts bound as associated data,
 * KMS's error shapes, and an outage switch (500 `KMSInternalException` for every call until it is turned off).
 */
export class KmsStandIn {
  readonly calls: KmsCall[] = [];
  private readonly keys = new Map<string, Buffer>(); // by ARN
  private readonly aliases = new Map<string, string>();
  private server!: Server;
  /** While true, every call fails as KMS does when it is unavailable. */
  outage = false;

  static async start(): Promise<KmsStandIn> {
    const kms = new KmsStandIn();
    kms.server = createServer((request, response) => void kms.handle(request, response));
    await new Promise<void>((resolve, reject) => kms.server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return kms;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** A new symmetric key, named by `alias` (`alias/…`); returns its ARN. */
  createKey(alias: string): string {
    const arn = `arn:aws:kms:eu-west-1:111122223333:key/${randomUUID()}`;
    this.keys.set(arn, randomBytes(32));
    this.aliases.set(alias, arn);
    return arn;
  }

  /** The real SDK client, pointed at the stand-in, with the SDK's own retries off (a fault reaches the provider). */
  client(): KMSClient {
    return new KmsStandIn.Client(Number(new URL(this.url).port));
  }

  /** The real SDK client for a stand-in (or a proxy in front of it) on `port` of 127.0.0.1, SDK retries off. */
  static Client = class extends KMSClient {
    constructor(port: number) {
      super({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
    }
  };

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const operation = String(request.headers['x-amz-target'] ?? '').replace('TrentService.', '');
    const encryptionContext = body.EncryptionContext as Record<string, string> | undefined;
    this.calls.push({ operation, keyId: body.KeyId as string | undefined, encryptionContext });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
      response.end(JSON.stringify(payload));
    };
    const fail = (status: number, type: string, message: string) => send(status, { __type: type, message });
    if (this.outage) return fail(500, 'KMSInternalException', 'The request was rejected because an internal exception occurred.');
    const aad = Buffer.from(JSON.stringify(Object.entries(encryptionContext ?? {}).sort()), 'utf8');
    if (operation === 'GenerateDataKey') {
      const arn = this.resolve(body.KeyId as string);
      if (!arn) return fail(400, 'NotFoundException', `Key '${String(body.KeyId)}' does not exist`);
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.keys.get(arn)!, iv).setAAD(aad);
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const blob = Buffer.concat([Buffer.from([arn.length]), Buffer.from(arn), iv, cipher.getAuthTag(), sealed]);
      return send(200, { KeyId: arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64') });
    }
    if (operation === 'Decrypt') {
      const blob = Buffer.from(String(body.CiphertextBlob), 'base64');
      const arn = blob.subarray(1, 1 + blob[0]!).toString();
      const material = this.keys.get(arn);
      if (!material) return fail(400, 'InvalidCiphertextException', 'The ciphertext is invalid.');
      if (body.KeyId !== undefined && this.resolve(body.KeyId as string) !== arn)
        return fail(400, 'IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext.');
      const rest = blob.subarray(1 + blob[0]!);
      try {
        const decipher = createDecipheriv('aes-256-gcm', material, rest.subarray(0, 12)).setAAD(aad);
        decipher.setAuthTag(rest.subarray(12, 28));
        const plaintext = Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]);
        return send(200, { KeyId: arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      } catch {
        return fail(400, 'InvalidCiphertextException', 'The ciphertext or its encryption context is invalid.');
      }
    }
    return fail(400, 'UnknownOperationException', operation);
  }

  private resolve(keyId: string): string | undefined {
    if (this.keys.has(keyId)) return keyId;
    return this.aliases.get(keyId) ?? [...this.keys.keys()].find((arn) => arn.endsWith(`/${keyId}`));
  }
}
