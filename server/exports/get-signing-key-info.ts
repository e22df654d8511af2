// The installation's export-signing public key, for Settings (so others can compare it with the key a
// pack names). Created on first look when the keychain can hold it.
import type { ExportServices } from './export-services';
import { installationSigningKey } from './installation-signing-key';

export async function getSigningKeyInfo(exportsSvc: ExportServices) {
  try {
    const key = await installationSigningKey(exportsSvc.keychain, exportsSvc.env, { create: true });
    if (!key) return { available: false as const, reason: 'No OS keychain is available to hold the signing key, so export packs cannot be signed here.' };
    return { available: true as const, fingerprint: key.fingerprint, publicKey: key.publicKey };
  } catch (error) {
    return { available: false as const, reason: (error as Error).message };
  }
}
