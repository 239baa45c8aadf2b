// A registration's pass code, the value its QR code holds: the registration id sealed for 'event pass'
// (text spelling, no expiry; decision 035). Opaque and with nothing personal in it: the door learns who it
// is only by asking Spoor, and an altered or made-up code fails the seal before any database read.
import QRCode from 'qrcode';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';

export type PassSecrets = Pick<InstallSecrets, 'seal' | 'open'>;

/** The pass code of a registration (the same every time: no expiry, nothing but the id under the seal). */
export function passCodeFor(secrets: Pick<InstallSecrets, 'seal'>, registrationId: string): string {
  return secrets.seal.sealText('event pass', [registrationId]);
}

/** The registration id a code names, or null for anything that is not a genuine pass code of this install. */
export async function openPassCode(secrets: PassSecrets, code: string): Promise<string | null> {
  // Typed or pasted codes may carry spaces or line breaks; the code itself has none.
  const opened = await secrets.open('event pass', code.replace(/\s+/g, ''));
  if (!opened.ok || opened.value.length !== 1) return null;
  return opened.value[0] ?? null;
}

// Error correction M (15 %): survives a scuffed phone screen or a creased printout, still a small code.
const QR = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** The QR code of a pass code as a PNG (for an email's inline image, or a download). */
export function passQrPng(code: string, width = 320): Promise<Buffer> {
  return QRCode.toBuffer(code, { ...QR, type: 'png', width });
}

/** The QR code of a pass code as an SVG document (scales to any size; black on white). */
export function passQrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { ...QR, type: 'svg' });
}

/** A data: URL of the PNG, for a page whose Content-Security-Policy allows `img-src data:`. */
export async function passQrDataUrl(code: string, width = 320): Promise<string> {
  return `data:image/png;base64,${(await passQrPng(code, width)).toString('base64')}`;
}
