// The camera at the door: reads QR codes with the browser's BarcodeDetector where there is one, else with
// jsqr on the video's frames (both loaded only here). A code read is answered once; the same code is not
// sent again for a few seconds, so a pass held in front of the camera is one scan.
import { useEffect, useRef, useState } from 'react';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

const SAME_CODE_PAUSE_MS = 3_000;

export default function CheckInCamera({
  onCode,
  onStop,
}: {
  onCode: (code: string) => void;
  onStop: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const report = useRef(onCode);
  report.current = onCode;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { code: '', at: 0 };
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    async function start() {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem('This browser gives no camera to pages (it needs https). Type the code below instead.');
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
      } catch {
        setProblem('The camera could not be used (refused or missing). Type the code below instead.');
        return;
      }
      const element = video.current;
      if (!element || stopped) return;
      element.srcObject = stream;
      await element.play().catch(() => undefined);
      const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
      const detector = Native ? new Native({ formats: ['qr_code'] }) : null;
      const jsQR = detector ? null : (await import('jsqr')).default;
      const tick = async () => {
        if (stopped) return;
        if (element.readyState >= 2 && element.videoWidth > 0) {
          let code: string | null = null;
          if (detector) code = (await detector.detect(element).catch(() => []))[0]?.rawValue ?? null;
          else if (jsQR && context) {
            canvas.width = element.videoWidth;
            canvas.height = element.videoHeight;
            context.drawImage(element, 0, 0);
            const frame = context.getImageData(0, 0, canvas.width, canvas.height);
            code =
              jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
          }
          const now = Date.now();
          if (code && (code !== last.code || now - last.at > SAME_CODE_PAUSE_MS)) {
            last = { code, at: now };
            report.current(code);
          }
        }
        requestAnimationFrame(() => void tick());
      };
      void tick();
    }
    void start();
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);

  return (
    <div>
      {problem ? (
        <p role="alert">{problem}</p>
      ) : (
        <video
          ref={video}
          className="checkin-video"
          muted
          playsInline
          aria-label="Camera picture: hold a pass's QR code in view"
        />
      )}
      <button type="button" onClick={onStop}>
        Stop the camera
      </button>
    </div>
  );
}
