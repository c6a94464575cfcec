// The frame every lesson shares: what it shows and why, the formula, the paper's numbers beside
// ours, then the lesson's controls and figures.
import type { ReactNode } from 'react';

export interface PaperRow {
  what: string;
  paper: string;
  ours: string;
}

export interface LessonCardProps {
  id: string;
  title: string;
  /** One short paragraph. */
  intro: ReactNode;
  formula: string;
  source: string;
  rows: PaperRow[];
  children: ReactNode;
}

export function LessonCard({ id, title, intro, formula, source, rows, children }: LessonCardProps) {
  return (
    <section className="card lesson" aria-labelledby={`lesson-${id}`} data-testid={`lesson-${id}`}>
      <h3 className="card-title" id={`lesson-${id}`}>
        {title}
      </h3>
      <div className="lesson-body">
        <div className="lesson-text">
          <p className="card-caption">{intro}</p>
          <pre className="lesson-formula">{formula}</pre>
          <table className="data-table lesson-paper">
            <thead>
              <tr>
                <th scope="col">{source}</th>
                <th scope="col" className="num num-cell">
                  paper
                </th>
                <th scope="col" className="num num-cell">
                  here
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.what}>
                  <th scope="row">{r.what}</th>
                  <td className="num num-cell">{r.paper}</td>
                  <td className="num num-cell" data-testid={`lesson-${id}-ours`}>
                    {r.ours}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="lesson-play">{children}</div>
      </div>
    </section>
  );
}
