// The one IPC channel the renderer has (trpc-electron's), validated before trpc-electron sees a
// message: a request names a procedure path and an operation id, and its input fits the same
// 1 MiB the browser mode's HTTP server allows. Anything else is dropped. Pure, no `electron` import.
import { z } from 'zod';

export const MAX_IPC_INPUT_BYTES = 1024 * 1024;

const operationId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]);

const request = z.strictObject({
  method: z.literal('request'),
  operation: z.object({
    id: operationId,
    type: z.enum(['query', 'mutation', 'subscription']),
    path: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}(\.[A-Za-z][A-Za-z0-9]{0,63}){0,4}$/),
    input: z.unknown().optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    signal: z.unknown().optional(),
  }),
});
const stop = z.strictObject({ method: z.literal('subscription.stop'), id: operationId });
export const ipcMessageSchema = z.discriminatedUnion('method', [request, stop]);
export type IpcMessage = z.infer<typeof ipcMessageSchema>;

/** The message when it is one the tRPC handler may see; otherwise the reason it is dropped. */
export function checkIpcMessage(message: unknown): { ok: true; message: IpcMessage } | { ok: false; reason: string } {
  const parsed = ipcMessageSchema.safeParse(message);
  if (!parsed.success) return { ok: false, reason: `not a tRPC message (${parsed.error.issues[0]?.path.join('.') || 'shape'})` };
  if (parsed.data.method === 'request' && parsed.data.operation.input !== undefined) {
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(parsed.data.operation.input) ?? '');
    } catch {
      return { ok: false, reason: 'its input cannot be serialized (cyclic or too deep)' };
    }
    if (size > MAX_IPC_INPUT_BYTES) return { ok: false, reason: `its input is larger than ${MAX_IPC_INPUT_BYTES} bytes` };
  }
  return { ok: true, message: parsed.data };
}
