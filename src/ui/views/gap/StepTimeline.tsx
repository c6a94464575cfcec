// The timeline of recorded steps: a slider to scrub, Play to replay them as an animation (one
// recording per PLAY_MS), and "follow" to stay on the newest while a run trains.
import { useEffect } from 'react';
import { shownRecording, useGap } from '../../stores/gapStore';
import { useGapView } from './gapViewStore';

export const PLAY_MS = 350;

export function StepTimeline() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const select = useGap((s) => s.select);
  const playing = useGapView((s) => s.playing);
  const setView = useGapView((s) => s.set);
  const count = rec?.snapshots.length ?? 0;
  const index = selected ?? count - 1;

  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => {
      const st = useGap.getState();
      const r = shownRecording(st);
      const n = r?.snapshots.length ?? 0;
      const at = st.selected ?? n - 1;
      if (at >= n - 1) {
        setView({ playing: false });
        return;
      }
      st.select(at + 1);
    }, PLAY_MS);
    return () => clearInterval(t);
  }, [playing]);

  const play = () => {
    if (playing) return setView({ playing: false });
    if (index >= count - 1) select(0); // from the start
    setView({ playing: true });
  };

  const step = rec?.snapshots[index]?.step;
  return (
    <div className="gap-timeline" role="group" aria-label="Recorded steps">
      <button type="button" className="btn btn-small" disabled={count < 2} onClick={play} aria-pressed={playing}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, count - 1)}
        value={Math.max(0, index)}
        disabled={count < 2}
        aria-label="Recorded step"
        aria-valuetext={step === undefined ? 'none' : `step ${step}`}
        onChange={(e) => {
          setView({ playing: false });
          const i = Number(e.target.value);
          select(i >= count - 1 ? null : i);
        }}
      />
      <span className="gap-timeline-step" data-testid="gap-step">
        {step === undefined ? 'no recording yet' : `step ${step}`}
        <span className="muted"> · {count} recorded{selected === null && count > 0 ? ' · following the newest' : ''}</span>
      </span>
      {selected !== null ? (
        <button type="button" className="link-button" onClick={() => select(null)}>
          follow newest
        </button>
      ) : null}
    </div>
  );
}
