// RFC 4180 CSV: comma-separated, fields optionally quoted, "" for a quote inside quotes, and
// commas and newlines allowed inside quotes. Each record remembers its row (as a spreadsheet
// numbers it: the header is row 1) and the line it starts on, for error messages.
import { runToEnd } from './steps.js';

export interface CsvRecord {
  row: number;
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {}

/** Parses the whole text; a UTF-8 byte-order mark is dropped and blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  return runToEnd(parseCsvInSteps(text));
}

/** How far a parse in steps is: characters read of the text, records found. */
export interface CsvParseStep {
  chars: number;
  records: number;
}

/**
 * parseCsv, pausing every `stepChars` characters (a 100 MB file takes seconds), so a caller
 * can report and let other work run between steps; the generator returns the records.
 */
export function* parseCsvInSteps(text: string, stepChars = 1 << 20): Generator<CsvParseStep, CsvRecord[]> {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let fieldStarted = false;
  const endRecord = () => {
    cells.push(field);
    const blank = cells.length === 1 && cells[0] === '' && !fieldStarted;
    if (!blank) records.push({ row: records.length + 1, line: recordLine, cells });
    cells = [];
    field = '';
    fieldStarted = false;
  };
  let pause = stepChars;
  for (let i = 0; i < text.length; i++) {
    if (i >= pause) {
      pause = i + stepChars;
      yield { chars: i, records: records.length };
    }
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
      fieldStarted = true;
    } else if (ch === ',') {
      cells.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError(`unterminated quoted field starting on line ${quoteLine}`);
  if (field !== '' || cells.length > 0 || fieldStarted) endRecord();
  return records;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number, or null. Stricter than Number(): '' , '0x1f' and 'Infinity' are not numbers. */
export function parseNumber(cell: string): number | null {
  const s = cell.trim();
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}
