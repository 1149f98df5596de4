/** Longest model name kept in a label; real names are far shorter. */
const MAX_LENGTH = 64;

/** The label of every model past the cap, and of unseen names on failed requests. */
export const OTHER_MODEL = 'other';

/**
 * Bounded `model` label values. A caller can send any model name, and every distinct label value
 * is a new time series in Prometheus, so: names are normalised (lower case, a safe character set,
 * truncated); a name becomes a label of its own only once a request with it succeeded; and past
 * `capacity` distinct names everything new is `other`. Seen names are a single Map lookup.
 */
export class ModelLabels {
  private readonly labels = new Map<string, string>();

  constructor(private readonly capacity = 100) {}

  /** The label for `model`; `admit` = the request succeeded, so an unseen name may get its own label. */
  get(model: string, admit: boolean): string {
    const known = this.labels.get(model);
    if (known !== undefined) return known;
    if (!admit || this.labels.size >= this.capacity) return OTHER_MODEL;
    const label = normaliseModel(model);
    this.labels.set(model, label);
    return label;
  }
}

/** `Anthropic/Claude Sonnet!` → `anthropic/claude_sonnet_`: lower case, `[a-z0-9._:/@-]`, at most 64 characters. */
export function normaliseModel(model: string): string {
  const label = model.trim().toLowerCase().slice(0, MAX_LENGTH).replace(/[^a-z0-9._:/@-]/g, '_');
  return label === '' ? OTHER_MODEL : label;
}
