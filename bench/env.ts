/**
 * Process settings for the benchmark, imported first by `run.ts` so they hold before any SDK client exists.
 * Nothing here disables or reconfigures either library: only the SDK's Node-version notice is muted,
 * and a region is set so no client ever looks for one (no call leaves the machine: every client is
 * pointed at DynamoDB Local).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export {};
