// The camera as an image source: frames go from the video element into a canvas in the page and
// from there, as a PNG, to the worker; nothing is recorded or sent anywhere else. "Live" scores a
// frame every second; the stream stops when the panel closes.
import { useEffect, useRef, useState } from 'react';

const LIVE_EVERY_MS = 1000;

export function CameraCapture({ onFrame }: { onFrame: (png: Blob) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => () => stream?.getTracks().forEach((t) => t.stop()), [stream]);

  const start = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError('This browser gives no camera access here (it needs a secure page and a camera).');
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      setStream(s);
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play();
      }
    } catch (e) {
      const name = (e as { name?: string }).name;
      setError(name === 'NotAllowedError' ? 'Camera access was refused: allow it in the browser to use the camera.' : name === 'NotFoundError' ? 'No camera was found.' : `The camera could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const capture = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')!.drawImage(v, 0, 0);
    c.toBlob((b) => b && onFrame(b), 'image/png');
  };

  const captureRef = useRef(capture);
  captureRef.current = capture;
  useEffect(() => {
    if (!live || !stream) return;
    const t = setInterval(() => captureRef.current(), LIVE_EVERY_MS);
    return () => clearInterval(t);
  }, [live, stream]);

  return (
    <div className="camera">
      <video ref={video} className="camera-video" muted playsInline hidden={!stream} aria-label="Camera preview" />
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <div className="draw-tools">
        {stream ? (
          <>
            <button type="button" className="btn btn-primary" onClick={capture}>
              Use this frame
            </button>
            <label className="check">
              <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> live (a frame a second)
            </label>
            <button
              type="button"
              className="btn"
              onClick={() => {
                stream.getTracks().forEach((t) => t.stop());
                setStream(null);
                setLive(false);
              }}
            >
              Stop camera
            </button>
          </>
        ) : (
          <button type="button" className="btn" onClick={() => void start()}>
            Start the camera
          </button>
        )}
      </div>
      <p className="muted small">Frames stay in this page: the model runs here.</p>
    </div>
  );
}
