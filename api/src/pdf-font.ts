import fs from 'node:fs';
import { ErrorCode, YituError } from './errors';

/**
 * The CJK font every PDF embeds (reports, posters), registered on a document as 'cjk'. The
 * setting (YITU_PDF_FONT) is a .ttf/.otf/.ttc path, a collection's face after '#'. Refused,
 * before any page is drawn, when the file is not there.
 */
export function registerCjkFont(doc: PDFKit.PDFDocument, setting: string): void {
  const [file, face] = setting.split('#') as [string, string | undefined];
  if (!fs.existsSync(file))
    throw new YituError(
      ErrorCode.INTERNAL_SERVER_ERROR,
      `no CJK font for PDFs at ${file}: install fonts-noto-cjk or set YITU_PDF_FONT`,
    );
  doc.registerFont('cjk', file, face);
}
