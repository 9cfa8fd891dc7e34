/**
 * What a run prints as it goes: one line per interaction as it finishes (against a slow server the user sees
 * it move), coloured only on a terminal and never with NO_COLOR.
 */
import { progressLine } from '../../contracts/report/progress';
import { asPrinted, coloursFor } from '../../contracts/output/terminal';

const plain = coloursFor({ isTTY: false }, {});

it('says where the run is, what came back and what the spec says of it', () => {
  expect(
    progressLine(
      { index: 3, total: 7, label: 'rejects a non-empty body', status: 400, problems: [], durationMs: 16.6 },
      plain,
    ),
  ).toBe('  [3/7] rejects a non-empty body → 400, spec ok (17 ms)');
  expect(
    progressLine(
      {
        index: 2,
        total: undefined,
        label: 'DELETE /connect/session',
        status: undefined,
        problems: ['no answer: timed out', 'x'],
        durationMs: 3,
      },
      plain,
    ),
  ).toBe('  [2] DELETE /connect/session → no answer, no answer: timed out (+1 more) (3 ms)');
});

it('colours only on a terminal, and not with NO_COLOR', () => {
  expect(coloursFor({ isTTY: true }, {}).red('x')).toBe('\u001b[31mx\u001b[0m');
  expect(coloursFor({ isTTY: true }, { NO_COLOR: '1' }).red('x')).toBe('x');
  expect(coloursFor({ isTTY: false }, {}).red('x')).toBe('x');
  expect(asPrinted('has status code \u001b[1m404\u001b[0m', plain)).toBe('has status code 404');
  expect(asPrinted('\u001b[1m404\u001b[0m', coloursFor({ isTTY: true }, {}))).toBe('\u001b[1m404\u001b[0m');
});
