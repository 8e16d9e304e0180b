import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { OutputInfo } from 'sharp';
import type { Database } from '../../db';
import { ErrorCode, YituError } from '../../errors';
import type { PhotoStorage } from './photo.storage';
import { sharpImages } from '../../libraries';

// Photos are checked by their content, not their name or declared type: the first bytes must
// be a JPEG, PNG or WebP signature, its header within the pixel limit, and the image must decode.
// What is kept is a re-encoding, with a thumbnail for the map panel.

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';
export const THUMBNAIL_PX = 320;

export function sniffImageType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (
    bytes.length >= 12 &&
    bytes.toString('ascii', 0, 4) === 'RIFF' &&
    bytes.toString('ascii', 8, 12) === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

/** Refusals of an upload: reason FILE_SIZE, PIXEL_LIMIT, NOT_AN_IMAGE or UNDECODABLE. */
const tooLarge = (reason: 'FILE_SIZE' | 'PIXEL_LIMIT', message: string) =>
  new YituError(ErrorCode.PAYLOAD_TOO_LARGE, message, undefined, reason);
const notAPhoto = (reason: 'NOT_AN_IMAGE' | 'UNDECODABLE', message: string) =>
  new YituError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, undefined, reason);

export interface PhotoLimits {
  maxBytes: number;
  /** Width × height, read from the header before anything is decoded. */
  maxPixels: number;
}

/** Longest edge of a stored photo: enough to read a meter or a crack, far less to keep. */
const STORED_EDGE_PX = 4096;

export interface StoredPhoto {
  key: string;
  contentType: PhotoType;
  bytes: number;
  width: number;
  height: number;
}

export const sizeRefusal = (maxBytes: number) =>
  tooLarge('FILE_SIZE', `photo is over ${Math.round(maxBytes / 1024 / 1024)} MB`);

// Decoding costs memory in proportion to pixels: two photos at a time per process (two cores).
const DECODERS = 2;
let decoding = 0;
const waiting: (() => void)[] = [];
async function decodeInTurn<T>(work: () => Promise<T>): Promise<T> {
  if (decoding >= DECODERS) await new Promise<void>((resolve) => waiting.push(resolve));
  decoding++;
  try {
    return await work();
  } finally {
    decoding--;
    waiting.shift()?.();
  }
}

/**
 * Checks and stores an upload. The photo is decoded and re-encoded in its own format: what is
 * stored and served is pixels only, so EXIF (a phone's GPS position, its serial number) and
 * anything hidden beside the image data (a JPEG+HTML polyglot) are gone.
 */
export async function storePhoto(
  database: Database,
  storage: PhotoStorage,
  bytes: Buffer,
  limits: PhotoLimits,
  now: Date,
): Promise<StoredPhoto> {
  if (bytes.length > limits.maxBytes) throw sizeRefusal(limits.maxBytes);
  const contentType = sniffImageType(bytes);
  if (!contentType) throw notAPhoto('NOT_AN_IMAGE', 'only JPEG, PNG or WebP photos');
  const undecodable = () => notAPhoto('UNDECODABLE', 'the photo could not be decoded');
  const sharp = await sharpImages();
  // the header alone: a 16000×16000 PNG of a few hundred kB is refused here, never decoded
  const header = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw undecodable();
    });
  const pixels = (header.width ?? 0) * (header.height ?? 0);
  if (pixels > limits.maxPixels) {
    throw tooLarge(
      'PIXEL_LIMIT',
      `photo is ${header.width}×${header.height}; at most ${(limits.maxPixels / 1e6).toFixed(0)} megapixels`,
    );
  }
  let stored: { data: Buffer; info: OutputInfo };
  let thumbnail: Buffer;
  try {
    ({ stored, thumbnail } = await decodeInTurn(async () => {
      const image = sharp(bytes, { limitInputPixels: limits.maxPixels })
        .rotate() // EXIF orientation into the pixels, before the EXIF is dropped
        .resize(STORED_EDGE_PX, STORED_EDGE_PX, { fit: 'inside', withoutEnlargement: true });
      // sharp writes no metadata unless asked (keepMetadata/withExif): none is asked for
      const encoded =
        contentType === 'image/png'
          ? image.png()
          : contentType === 'image/webp'
            ? image.webp({ quality: 85 })
            : image.jpeg({ quality: 85 });
      const result = await encoded.toBuffer({ resolveWithObject: true });
      const small = await sharp(result.data)
        .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside' })
        .jpeg({ quality: 75 })
        .toBuffer();
      return { stored: result, thumbnail: small };
    }));
  } catch {
    throw undecodable();
  }
  const key = crypto.randomBytes(18).toString('base64url');
  await storage.put(key, stored.data);
  await storage.put(`${key}.thumb.jpg`, thumbnail);
  const photo = {
    key,
    contentType,
    bytes: stored.data.length,
    width: stored.info.width,
    height: stored.info.height,
  };
  await database.db.execute(sql`
    INSERT INTO photos (key, content_type, bytes, width, height, created_at)
    VALUES (${photo.key}, ${photo.contentType}, ${photo.bytes}, ${photo.width}, ${photo.height},
      ${now.toISOString()})`);
  return photo;
}

/** Bytes held by photos that no ticket carries yet (uploads still waiting for their report). */
export async function unattachedPhotoBytes(database: Database): Promise<number> {
  const [row] = await database.rows<{ bytes: number }>(
    sql`SELECT coalesce(sum(bytes), 0)::bigint::float8 AS bytes FROM photos WHERE ticket_id IS NULL`,
  );
  return Number(row?.bytes ?? 0);
}
