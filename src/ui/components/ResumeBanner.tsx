import { fmtDateTime, fmtInt } from '../format';
import { resumeKey, useModelsStore } from '../stores/modelsStore';
import { useRoute } from '../stores/routeStore';
import { isBusy, useTelemetry } from '../stores/telemetryStore';
import { resumeModel } from '../trainerClient';

/**
 * After a reload or a crashed tab: "Resume <run> from step K" for the newest unfinished run in
 * storage (its last checkpoint), unless the trainer is busy or the user said "Not now".
 */
export function ResumeBanner() {
  const offer = useModelsStore((s) => s.resumable);
  const dismissed = useModelsStore((s) => s.dismissed);
  const dismiss = useModelsStore((s) => s.dismissResume);
  const busy = useTelemetry((s) => isBusy(s.status.state));
  const setView = useRoute((s) => s.navigate);
  if (!offer || busy || dismissed.includes(resumeKey(offer))) return null;
  return (
    <div className="notice notice-info resume-banner" role="status" data-testid="resume-banner">
      <div>
        <strong>Unfinished run saved:</strong> {offer.name} — step {fmtInt(offer.step)} of {fmtInt(offer.totalSteps)}, saved {fmtDateTime(offer.updatedAt)}.
      </div>
      <div className="resume-actions">
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            resumeModel(offer.id);
            setView('train');
          }}
        >
          Resume {offer.name} from step {offer.step}
        </button>
        <button type="button" className="btn" onClick={() => dismiss(offer)}>
          Not now
        </button>
      </div>
    </div>
  );
}
