// The @aws-sdk/client-sns clients an SnsProvider uses: explicit static credentials (from the
// credential store, never the SDK's default chain), an endpoint override for the stand-in, a
// request timeout, and the SDK's own retry loop bounded by a strategy of ours:
// - reads retry throttling (429), 5xx and network errors;
// - Publish retries only when SNS answered (429 Throttled, 5xx): a timeout or dropped connection
//   may have sent the message, and resending would text the recipient twice.
import { SNSClient } from '@aws-sdk/client-sns';

export interface SnsClientOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The stand-in in tests (SNS_ENDPOINT); AWS's regional endpoint when undefined. */
  endpoint?: string;
  /** Per attempt. */
  requestTimeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** Base of the exponential backoff (full jitter), 100 ms by default; throttling waits 5× longer. */
  retryBaseDelayMs?: number;
  /**
   * Connections kept open per client (the SDK's default agent allows 50): calls past it wait for a
   * socket, so a sender with more calls in flight than this gains nothing. 64 by default: the
   * sending job's default (DEFAULT_SENDER_OPTIONS: 4 × 16 in flight).
   */
  maxSockets?: number;
}

interface ErrorInfo {
  error?: { $metadata?: { httpStatusCode?: number }; name?: string };
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** A RetryStrategyV2 for the SDK's retry middleware. */
function boundedRetries(maxAttempts: number, baseDelayMs: number, retryWithoutResponse: boolean) {
  const token = (count: number, delay: number): Token => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: Token, info: ErrorInfo): Promise<Token> => {
      const status = info.error?.$metadata?.httpStatusCode;
      const answered = status !== undefined;
      const retryable = answered ? status === 429 || status >= 500 : retryWithoutResponse && info.errorType === 'TRANSIENT';
      const attempt = previous.getRetryCount() + 1;
      if (!retryable || attempt >= maxAttempts) throw info.error ?? new Error('not retryable');
      const base = status === 429 || info.errorType === 'THROTTLING' ? baseDelayMs * 5 : baseDelayMs;
      return token(attempt, Math.round(Math.random() * Math.min(20_000, base * 2 ** attempt)));
    },
    recordSuccess: () => {},
  };
}

export function createSnsClients(options: SnsClientOptions): { reads: SNSClient; publish: SNSClient } {
  const make = (retryWithoutResponse: boolean) =>
    new SNSClient({
      region: options.region,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      // The middleware stack is resolved once per command class instead of on every send (nothing
      // here adds middleware after creation): ~0.1 ms of CPU less per Publish (tests/bench/sms-bench.ts).
      cacheMiddleware: true,
      retryStrategy: boundedRetries(options.maxAttempts ?? 3, options.retryBaseDelayMs ?? 100, retryWithoutResponse),
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? 10_000,
        throwOnRequestTimeout: true,
        connectionTimeout: Math.min(options.requestTimeoutMs ?? 10_000, 5_000),
        httpAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 64 },
        httpsAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 64 },
      },
    });
  return { reads: make(true), publish: make(false) };
}
