import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (OWASP's minimum: 19 MiB, 2 passes), a maintained
// Rust implementation with prebuilt binaries from npm.

export const MIN_PASSWORD_LENGTH = 8;
/** Longer passwords are refused: hashing one costs the server time in its length. */
export const MAX_PASSWORD_LENGTH = 200;

export const hashPassword = (password: string): Promise<string> => hash(password);

// A real hash of nothing anyone knows, verified when the username does not exist, so the
// answer takes as long either way and does not tell which usernames exist.
const DECOY = hash('yitu-decoy-password');

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    await verify(await DECOY, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
