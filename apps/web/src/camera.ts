// The camera as an image source: a live preview, and a frame captured as a PNG, which then goes
// the same way as a dropped file (image-input.ts). Browsers ask the user first; localhost and
// https pages only.

export interface Camera {
  /** The current frame as a PNG. */
  capture(): Promise<Blob>;
  stop(): void;
}

/** Starts the camera into `video`; fails with the browser's reason (no camera, refused). */
export async function startCamera(video: HTMLVideoElement): Promise<Camera> {
  if (!navigator.mediaDevices?.getUserMedia)
    throw new Error('this browser offers no camera here (it needs https or localhost)');
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  video.srcObject = stream;
  await video.play();
  return {
    capture: () => {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      (canvas.getContext('2d') as CanvasRenderingContext2D).drawImage(video, 0, 0);
      return new Promise((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no camera frame'))), 'image/png'),
      );
    },
    stop: () => {
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
