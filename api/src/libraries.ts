// The libraries that make and read files (xlsx, PDF, QR codes, images, shapefiles) are loaded
// when a file is first made or read, not when the API starts: together ~80 MB of a process's
// memory (tests/bench/soak.bench.ts) that a process answering the map may never need. Each is
// loaded once, by whichever request needs it first.

const once = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
};

export const excelJs = once(async () => (await import('exceljs')).default);
export const pdfKit = once(async () => (await import('pdfkit')).default);
export const qrCode = once(async () => (await import('qrcode')).default);
export const sharpImages = once(async () => (await import('sharp')).default);
export const shapefiles = once(() => import('shpjs'));
