/**
 * The logger every AWS SDK client of the app is built with. The SDK's logger middleware, after every call, runs
 * the operation's sensitive-data filter over the whole request and answer (walking their schemas) to hand them to
 * `logger.info`, unless the logger has no `info` at all; its default logger has one that does nothing, so the
 * filtering is paid for on every call and thrown away. This logger has no `info` and, like the default, drops the
 * rest: the app logs what it needs itself (functions/api/logging.ts). `npm run bench -- sdk-logger` measures it.
 */
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

type Logger = NonNullable<DynamoDBClientConfig["logger"]>;

const ignore = () => {};

/** The SDK calls `info` only through `logger?.info?.(...)`, so leaving it out is a supported shape. */
export const SDK_LOGGER = { trace: ignore, debug: ignore, warn: ignore, error: ignore } as Logger;
