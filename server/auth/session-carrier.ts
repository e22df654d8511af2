/**
 * Where the session token lives between requests, per transport: an HttpOnly cookie in browser
 * mode, main-process memory plus the OS keychain ("remember me") in the desktop app. The token
 * never reaches the renderer's JavaScript.
 */
export interface SessionCarrier {
  read(): string | undefined | Promise<string | undefined>;
  store(token: string, options: { remember: boolean; expiresAt: Date }): void | Promise<void>;
  clear(): void | Promise<void>;
}
