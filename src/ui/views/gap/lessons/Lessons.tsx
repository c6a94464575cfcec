// The lessons of the Gap lab, one click each: each explains, gives the formula, shows the paper's
// figure beside ours, and has a control to play with.
import { ConeLesson } from './ConeLesson';
import { ObjectivesLesson } from './ObjectivesLesson';
import { ReemergenceLesson } from './ReemergenceLesson';
import { ShiftLesson } from './ShiftLesson';
import { SphereLesson } from './SphereLesson';
import { TemperatureLesson } from './TemperatureLesson';

export function Lessons() {
  return (
    <section className="gap-lessons" aria-label="Lessons">
      <h2 className="gap-lessons-title">Lessons</h2>
      <ConeLesson />
      <ShiftLesson />
      <SphereLesson />
      <TemperatureLesson />
      <ReemergenceLesson />
      <ObjectivesLesson />
    </section>
  );
}
