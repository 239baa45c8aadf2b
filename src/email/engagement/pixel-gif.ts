// The open pixel's answer: a transparent 1×1 GIF (43 bytes) that no cache keeps. Every request under
// the pixel path gets it, whatever the token — and http/create-fastify.ts sends it even for URLs Fastify cannot parse.

export const PIXEL_GIF = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==',
  'base64',
);

export const PIXEL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'image/gif',
  'cache-control': 'no-store, no-cache, must-revalidate, max-age=0',
  pragma: 'no-cache',
  expires: '0',
};
