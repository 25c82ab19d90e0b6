// Projects keep models apart: the project menu (open, new, copy) and the offer of a new project
// when another model is opened, each asking for a name in an in-app dialog.
import { useState } from 'react';
import { useStudio } from '../state/store.js';
import { Dialog } from './Dialog.js';

/** The engine's rule for project names (they are folder names); checked here to say it early. */
const NAME_RULE = /^[\p{L}\p{N} _.-]{1,64}$/u;

/** Why `name` cannot name a new project, or null. */
export function projectNameProblem(name: string, taken: readonly string[]): string | null {
  if (!NAME_RULE.test(name) || name.startsWith('.')) return 'Use 1-64 letters, digits, spaces, "_", "-" or ".".';
  if (taken.includes(name)) return `A project named "${name}" exists already.`;
  return null;
}

/** `base`, or `base 2`, `base 3`, ...: the first name no project has. */
export function freeName(base: string, taken: readonly string[]): string {
  const clean = base.replace(/[^\p{L}\p{N} _.-]+/gu, ' ').trim().replace(/^\.+/, '').slice(0, 58) || 'project';
  for (let i = 1; ; i++) {
    const name = i === 1 ? clean : `${clean} ${i}`;
    if (!taken.includes(name)) return name;
  }
}

/** A dialog asking for a new project's name. */
export function ProjectNameDialog({ title, initial, submitLabel, testId, onSubmit, onClose, children }: {
  title: string;
  initial: string;
  submitLabel: string;
  testId: string;
  onSubmit(name: string): void;
  onClose(): void;
  children?: React.ReactNode;
}) {
  const projects = useStudio((s) => s.projects);
  const [name, setName] = useState(initial);
  const problem = projectNameProblem(name.trim(), projects.map((p) => p.name));
  return (
    <Dialog open title={title} submitLabel={submitLabel} testId={testId} onClose={onClose} onSubmit={() => (problem ? undefined : onSubmit(name.trim()))}>
      {children}
      <label className="field">
        <span>Project name</span>
        <input type="text" data-testid="project-name" value={name} autoFocus spellCheck={false} onChange={(e) => setName(e.target.value)} aria-invalid={problem !== null} />
      </label>
      {problem && (
        <p className="warning" data-testid="project-name-problem">
          {problem}
        </p>
      )}
    </Dialog>
  );
}

/** Open another project, start a new one, or save a copy of this one. */
export function ProjectMenu() {
  const projects = useStudio((s) => s.projects);
  const current = useStudio((s) => s.projectName);
  const refresh = useStudio((s) => s.refreshProjects);
  const load = useStudio((s) => s.loadProject);
  const saveAs = useStudio((s) => s.saveProjectAs);
  const newProject = useStudio((s) => s.newProject);
  const [asking, setAsking] = useState<'new' | 'copy' | null>(null);
  const taken = projects.map((p) => p.name);
  return (
    <>
      <label className="picker project-picker">
        <span className="visually-hidden">Project</span>
        <select
          data-testid="project-select"
          value={current}
          onFocus={() => void refresh()}
          onChange={(e) => {
            const v = e.target.value;
            if (v === '__new__') setAsking('new');
            else if (v === '__copy__') setAsking('copy');
            else if (v !== current) void load(v);
          }}
        >
          {!projects.some((p) => p.name === current) && <option value={current}>{current}</option>}
          {projects.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name} ({p.runs} run{p.runs === 1 ? '' : 's'})
            </option>
          ))}
          <option value="__new__">New project…</option>
          <option value="__copy__">Save a copy as…</option>
        </select>
      </label>
      {asking === 'new' && (
        <ProjectNameDialog title="New project" initial={freeName('project', taken)} submitLabel="Create" testId="new-project-dialog" onClose={() => setAsking(null)} onSubmit={(name) => { setAsking(null); void newProject(name); }}>
          <p className="muted">Starts over on the current model and dataset: no edits, no runs. &quot;{current}&quot; stays as it is.</p>
        </ProjectNameDialog>
      )}
      {asking === 'copy' && (
        <ProjectNameDialog title="Save a copy" initial={freeName(`${current} copy`, taken)} submitLabel="Save" testId="copy-project-dialog" onClose={() => setAsking(null)} onSubmit={(name) => { setAsking(null); void saveAs(name); }}>
          <p className="muted">The model, its edits, the dataset and the settings go into a new project (without the runs).</p>
        </ProjectNameDialog>
      )}
    </>
  );
}
