import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import type { Database } from '../../db';
import type { PhotoStorage } from './photo.storage';

// Photos are checked by their content, not their name or declared type: the first bytes must
// be a JPEG, PNG or WebP signature, and the image must decode. A thumbnail for the map panel is
// made at upload.

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

export class PhotoRejected extends Error {
  constructor(
    readonly status: 413 | 415,
    readonly code: 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE',
    message: string,
  ) {
    super(message);
  }
}

export interface StoredPhoto {
  key: string;
  contentType: PhotoType;
  bytes: number;
  width: number;
  height: number;
}

export async function storePhoto(
  database: Database,
  storage: PhotoStorage,
  bytes: Buffer,
  maxBytes: number,
): Promise<StoredPhoto> {
  if (bytes.length > maxBytes) {
    throw new PhotoRejected(
      413,
      'PAYLOAD_TOO_LARGE',
      `photo is over ${Math.round(maxBytes / 1024 / 1024)} MB`,
    );
  }
  const contentType = sniffImageType(bytes);
  if (!contentType)
    throw new PhotoRejected(415, 'UNSUPPORTED_MEDIA_TYPE', 'only JPEG, PNG or WebP photos');
  let meta: sharp.Metadata;
  let thumbnail: Buffer;
  try {
    meta = await sharp(bytes).metadata();
    thumbnail = await sharp(bytes)
      .rotate()
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside' })
      .jpeg({ quality: 75 })
      .toBuffer();
  } catch {
    throw new PhotoRejected(415, 'UNSUPPORTED_MEDIA_TYPE', 'the photo could not be decoded');
  }
  const key = crypto.randomBytes(18).toString('base64url');
  await storage.put(key, bytes);
  await storage.put(`${key}.thumb.jpg`, thumbnail);
  const photo = {
    key,
    contentType,
    bytes: bytes.length,
    width: meta.width ?? 0,
    height: meta.height ?? 0,
  };
  await database.db.execute(sql`
    INSERT INTO photos (key, content_type, bytes, width, height)
    VALUES (${photo.key}, ${photo.contentType}, ${photo.bytes}, ${photo.width}, ${photo.height})`);
  return photo;
}
