/** Time: formats, day/month order, epoch units, and the checks on the time column. */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/ingest/index';
import { parseTimestamp } from '../../src/ingest/time';
import { caseText, checkTable, csvError } from './helpers';
import type { Case } from './helpers';

describe('timestamp forms', () => {
  const forms: [string, boolean, string | null][] = [
    ['2024-01-31T13:45:00Z', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31T13:45:00', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31t13:45:00z', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31 13:45:00', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31 13:45', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31', false, '2024-01-31T00:00:00.000Z'],
    ['2024-1-5 3:04', false, '2024-01-05T03:04:00.000Z'],
    ['2024-01-31T13:45:00.5Z', false, '2024-01-31T13:45:00.500Z'],
    ['2024-01-31T13:45:00.123456789Z', false, '2024-01-31T13:45:00.123Z'],
    ['2024-01-31 13:45:00,25', false, '2024-01-31T13:45:00.250Z'],
    ['2024-01-31T13:45:00+02:00', false, '2024-01-31T11:45:00.000Z'],
    ['2024-01-31T13:45:00-0530', false, '2024-01-31T19:15:00.000Z'],
    ['2024-01-31T13:45:00+01', false, '2024-01-31T12:45:00.000Z'],
    ['2024-01-31 13:45:00 +01:00', false, '2024-01-31T12:45:00.000Z'],
    ['2024-01-31 13:45:00 UTC', false, '2024-01-31T13:45:00.000Z'],
    ['2024-01-31 13:45:00 GMT+1', false, '2024-01-31T12:45:00.000Z'],
    ['2024/01/31 13:45:00', false, '2024-01-31T13:45:00.000Z'],
    ['2024.01.31', false, '2024-01-31T00:00:00.000Z'],
    ['01/31/2024 13:45', false, '2024-01-31T13:45:00.000Z'],
    ['31/01/2024 13:45', true, '2024-01-31T13:45:00.000Z'],
    ['31-01-2024', true, '2024-01-31T00:00:00.000Z'],
    ['31.01.2024 13:45:10', true, '2024-01-31T13:45:10.000Z'],
    ['1/31/24 1:45 PM', false, '2024-01-31T13:45:00.000Z'],
    ['1/31/99 12:00 AM', false, '1999-01-31T00:00:00.000Z'],
    ['1/31/2024 12:30 pm', false, '2024-01-31T12:30:00.000Z'],
    ['2024-02-29', false, '2024-02-29T00:00:00.000Z'],
    ['2023-02-29', false, null],
    ['2024-13-01', false, null],
    ['2024-01-31 24:00', false, null],
    ['2024-01-31 13:60', false, null],
    ['31/01/2024', false, null],
    ['2024-01-31T', false, null],
    ['2024-01-31 13:45 junk', false, null],
    ['1.5', false, null],
    ['1.2.3', false, null],
    ['13:45:00', false, null],
    ['hello', false, null],
    ['', false, null],
  ];
  it.each(forms)('%s (dayFirst %s) → %s', (s, dayFirst, iso) => {
    const ms = parseTimestamp(s, dayFirst);
    expect(Number.isNaN(ms) ? null : new Date(ms).toISOString()).toBe(iso);
  });
});

const SECONDS = 1_700_000_000;

const cases: Case[] = [
  {
    name: 'ISO 8601 with T and zone',
    text: 'time,v\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00+01:00,2\n',
    expect: { timeColumn: 'time', time: ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'], noWarnings: [/no time zone/] },
  },
  {
    name: '"YYYY-MM-DD HH:MM:SS" without zone is UTC, and said so',
    text: 'timestamp,value\n2013-12-02 21:15:00,73.9\n2013-12-02 21:20:00,74.9\n',
    expect: {
      timeColumn: 'timestamp',
      start: '2013-12-02T21:15:00.000Z',
      end: '2013-12-02T21:20:00.000Z',
      numericNames: ['value'],
      warnings: [/Time column "timestamp": dates like "2013-12-02 21:15:00" with no time zone, read as UTC/],
    },
  },
  {
    name: 'day-first settled by a day above 12 far down the column',
    text: 'date,v\n' + Array.from({ length: 300 }, (_, i) => `0${(i % 9) + 1}/01/2024,${i}`).join('\n') + '\n13/01/2024,300\n',
    expect: {
      rows: 301,
      kinds: { date: 'time' },
      start: '2024-01-01T00:00:00.000Z',
      end: '2024-01-13T00:00:00.000Z',
      warnings: [/day first \(DD\/MM\/YYYY\): line 302 has day 13/],
    },
  },
  {
    name: 'month-first settled by a second number above 12',
    text: 'date,v\n01/02/2024,1\n01/13/2024,2\n',
    expect: { time: ['2024-01-02T00:00:00.000Z', '2024-01-13T00:00:00.000Z'], warnings: [/month first \(MM\/DD\/YYYY\): line 3/] },
  },
  {
    name: 'nothing settles the order: month first, with a warning',
    text: 'date,v\n01/02/2024,1\n03/04/2024,2\n',
    expect: { time: ['2024-01-02T00:00:00.000Z', '2024-03-04T00:00:00.000Z'], warnings: [/nothing in the dates shows.*read as month first/] },
  },
  {
    name: 'nothing settles the order of dotted dates: day first (DD.MM.YYYY, as such dates are written), said',
    text: 'Datum;v\n01.02.2024;1\n03.04.2024;2\n',
    expect: { time: ['2024-02-01T00:00:00.000Z', '2024-04-03T00:00:00.000Z'], warnings: [/dates with dots are written day first \(DD\.MM\.YYYY\), so they were read that way/] },
  },
  {
    name: 'nothing settles the order: the dayFirst option',
    text: 'date,v\n01/02/2024,1\n03/04/2024,2\n',
    options: { dayFirst: true },
    expect: { time: ['2024-02-01T00:00:00.000Z', '2024-04-03T00:00:00.000Z'], warnings: [/as the dayFirst option says/] },
  },
  {
    name: 'the dates overrule a contradicting dayFirst option',
    text: 'date,v\n01/02/2024,1\n01/13/2024,2\n',
    options: { dayFirst: true },
    expect: { time: ['2024-01-02T00:00:00.000Z', '2024-01-13T00:00:00.000Z'], warnings: [/overruled/] },
  },
  {
    name: 'nothing settles the order, but only day first do the times go forward: day first, said why',
    // day first: 11 Mar, 12 Mar, 1 Apr, 2 Apr; month first: 3 Nov, 3 Dec, 4 Jan, 4 Feb (back at line 4)
    text: 'date,v\n11/03/2024,1\n12/03/2024,2\n01/04/2024,3\n02/04/2024,4\n',
    expect: {
      time: ['2024-03-11T00:00:00.000Z', '2024-03-12T00:00:00.000Z', '2024-04-01T00:00:00.000Z', '2024-04-02T00:00:00.000Z'],
      warnings: [
        /nothing in the dates shows.*read as day first \(DD\/MM\/YYYY\): times go forward that way, not month first \(over the first 4 rows: 1 step back in time read month first, none read day first\)/,
      ],
      noWarnings: [/earlier than the row before/, /read as month first/],
    },
  },
  {
    name: 'dotted dates that go forward only month first: month first, against the usual day first, said',
    text: 'Datum;v\n03.11.2024;1\n03.12.2024;2\n04.01.2024;3\n04.02.2024;4\n',
    expect: {
      time: ['2024-03-11T00:00:00.000Z', '2024-03-12T00:00:00.000Z', '2024-04-01T00:00:00.000Z', '2024-04-02T00:00:00.000Z'],
      warnings: [/read as month first \(MM\/DD\/YYYY\): times go forward that way, not day first .*, though dates with dots are usually written day first/],
    },
  },
  {
    name: 'fewer steps back wins when both readings go back',
    // month first: 3 Nov, 3 Dec, 4 Jan, 4 Feb, 1 Jan (2 back); day first: 11 Mar, 12 Mar, 1 Apr, 2 Apr, 1 Jan (1 back)
    text: 'date,v\n11/03/2024,1\n12/03/2024,2\n01/04/2024,3\n02/04/2024,4\n01/01/2024,5\n',
    expect: {
      time: ['2024-03-11T00:00:00.000Z', '2024-03-12T00:00:00.000Z', '2024-04-01T00:00:00.000Z', '2024-04-02T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
      warnings: [/read as day first .*over the first 5 rows: 2 steps back in time read month first, 1 read day first/],
    },
  },
  {
    name: 'both readings go back as often: the usual month first',
    // month first: 1 Feb, 1 Mar, 1 Jan (1 back); day first: 2 Jan, 3 Jan, 1 Jan (1 back)
    text: 'date,v\n02/01/2024,1\n03/01/2024,2\n01/01/2024,3\n',
    expect: { time: ['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'], warnings: [/no day above 12\); read as month first \(MM\/DD\/YYYY\)\. If that is wrong, set the dayFirst option \(on the page: Dates in …; on the command line: --day-first or --month-first\)/] },
  },
  {
    name: 'the dayFirst option wins over the reading in which times go forward',
    text: 'date,v\n11/03/2024,1\n12/03/2024,2\n01/04/2024,3\n02/04/2024,4\n',
    options: { dayFirst: false },
    expect: {
      time: ['2024-11-03T00:00:00.000Z', '2024-12-03T00:00:00.000Z', '2024-01-04T00:00:00.000Z', '2024-02-04T00:00:00.000Z'],
      warnings: [/read as month first, as the dayFirst option says/, /1 time is earlier than the row before/],
      noWarnings: [/times go forward that way/],
    },
  },
  {
    name: 'dates mixing both orders: the majority wins, the others are missing',
    text: 'date,v\n13/01/2024,1\n14/01/2024,2\n01/15/2024,3\n',
    expect: { time: ['2024-01-13T00:00:00.000Z', '2024-01-14T00:00:00.000Z', null], warnings: [/mix day-first \(2, first at line 2\) and month-first \(1, first at line 4\)/] },
  },
  {
    name: 'slashes with a time',
    text: 'when,v\n2024/01/31 23:59:59,1\n2024/02/01 00:00:00,2\n',
    expect: { time: ['2024-01-31T23:59:59.000Z', '2024-02-01T00:00:00.000Z'] },
  },
  {
    name: 'epoch seconds in a column named "epoch"',
    file: 'epoch-seconds.csv',
    expect: {
      timeColumn: 'epoch',
      kinds: { epoch: 'time' },
      numericNames: ['value'],
      time: ['2023-11-14T22:13:20.000Z', '2023-11-14T22:14:20.000Z', '2023-11-14T22:15:20.000Z'],
      warnings: [/Unix epoch seconds/],
    },
  },
  {
    name: 'epoch milliseconds in a column named "timestamp"',
    text: `timestamp,v\n${SECONDS * 1000},1\n${SECONDS * 1000 + 500},2\n`,
    expect: { timeColumn: 'timestamp', time: ['2023-11-14T22:13:20.000Z', '2023-11-14T22:13:20.500Z'], warnings: [/Unix epoch milliseconds/] },
  },
  {
    name: 'a numeric column named like time but too small for epochs stays a number',
    text: 'response_time,v\n0.25,1\n0.5,2\n',
    expect: { timeColumn: null, numericNames: ['response_time', 'v'], warnings: [/No time column found/] },
  },
  {
    name: 'epoch-sized numbers under another name are not taken as time',
    text: 'bytes,v\n1700000000,1\n1700000060,2\n',
    expect: { timeColumn: null, numericNames: ['bytes', 'v'] },
  },
  {
    name: 'a date column is preferred to an epoch column; other date columns are listed',
    text: 'id,created,ts,v\n1,2024-01-01,1700000000,1\n2,2024-01-02,1700000060,2\n',
    expect: { timeColumn: 'created', kinds: { created: 'time' }, numericNames: ['id', 'ts', 'v'] },
  },
  {
    name: 'of two date columns, the one named like time wins',
    text: 'birthday,timestamp,v\n2000-01-01,2024-01-01 10:00,1\n2000-01-02,2024-01-01 10:05,2\n',
    expect: { timeColumn: 'timestamp', kinds: { birthday: 'time', timestamp: 'time' }, warnings: [/Column "birthday" holds dates too/] },
  },
  {
    name: 'timeColumn option by name (case ignored)',
    text: 'a,b,v\n2024-01-01,2024-02-01,1\n2024-01-02,2024-02-02,2\n',
    options: { timeColumn: 'B' },
    expect: { timeColumn: 'b', time: ['2024-02-01T00:00:00.000Z', '2024-02-02T00:00:00.000Z'] },
  },
  {
    name: 'timeColumn option on a column of small numbers: seconds since 1970, with a warning',
    text: 't_rel,v\n0,1\n1.5,2\n',
    options: { timeColumn: 't_rel' },
    expect: { timeColumn: 't_rel', time: ['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:01.500Z'], numericNames: ['v'], warnings: [/too small for Unix epoch/] },
  },
  {
    name: 'timeColumn null: no time column, dates stay a time-kind column',
    text: 'time,v\n2024-01-01,1\n',
    options: { timeColumn: null },
    expect: { timeColumn: null, noWarnings: [/No time column/] },
  },
  {
    name: 'unreadable and empty times are NaN and reported; start/end are the first and last valid in file order',
    text: 'time,v\n,0\n2024-01-01 00:00,1\n2024-01-01 00:01,2\n2024-02-30 00:00,3\n2024-01-01 00:03,4\nsoon,5\n',
    expect: {
      time: [null, '2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', null, '2024-01-01T00:03:00.000Z', null],
      start: '2024-01-01T00:00:00.000Z',
      end: '2024-01-01T00:03:00.000Z',
      missing: { time: 3 },
      warnings: [/3 rows have no readable time \(first at line 2: empty\)/],
    },
  },
  {
    name: 'duplicate, backward and long steps are reported with counts and first lines; rows stay in file order',
    text:
      'time,v\n' +
      [
        '2024-01-01 00:00',
        '2024-01-01 00:01',
        '2024-01-01 00:02',
        '2024-01-01 00:02', // duplicate (line 5)
        '2024-01-01 00:03',
        '2024-01-01 00:01', // backward (line 7)
        '2024-01-01 00:02',
        '2024-01-01 00:03',
        '2024-01-01 00:03', // duplicate
        '2024-01-01 00:04',
        '2024-01-01 01:04', // gap of 1 h (line 12)
        '2024-01-01 01:05',
        '2024-01-01 03:05', // gap of 2 h (line 14)
        '2024-01-01 03:06',
      ]
        .map((t, i) => `${t},${i}`)
        .join('\n') +
      '\n',
    expect: {
      rows: 14,
      start: '2024-01-01T00:00:00.000Z',
      end: '2024-01-01T03:06:00.000Z',
      warnings: [
        /2 times repeat the time of the row before \(first at line 5\)/,
        /1 time is earlier than the row before \(first at line 7\)/,
        /2 gaps are longer than 5 × the usual step of 1 min \(first at line 12; the longest, 2 h, ends at line 14\)/,
      ],
    },
  },
  {
    name: 'a regular series has no time trouble',
    text: 'time,v\n' + Array.from({ length: 100 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()},${i}`).join('\n'),
    expect: { rows: 100, noWarnings: [/repeat|earlier|gaps?/] },
  },
];

describe('time column', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkTable(parseCsvText(caseText(c), c.options), c.expect);
  });

  it('only the time column is read the way its times go forward; other date columns keep the usual order', () => {
    // "due" goes forward only day first, but it is not the time column: month first, as before
    const t = parseCsvText('time,due,v\n2024-01-01,11/03/2024,1\n2024-01-02,12/03/2024,2\n2024-01-03,01/04/2024,3\n');
    expect(t.timeColumn).toBe('time');
    const due = t.columns.find((c) => c.name === 'due')!;
    expect(due.kind).toBe('time');
    expect([due.min, due.max]).toEqual([Date.UTC(2024, 0, 4), Date.UTC(2024, 11, 3)]);
    // the same column as the time column goes forward
    const main = parseCsvText('time,due,v\n2024-01-01,11/03/2024,1\n2024-01-02,12/03/2024,2\n2024-01-03,01/04/2024,3\n', { timeColumn: 'due' });
    expect(main.start).toBe('2024-03-11T00:00:00.000Z');
    expect(main.end).toBe('2024-04-01T00:00:00.000Z');
  });

  it('an unknown timeColumn is a CsvError naming the column and the choices', () => {
    const e = csvError(() => parseCsvText('a,b\n1,2\n', { timeColumn: 'when' }));
    expect(e.column).toBe('when');
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/no column named "when".*Expected one of: "a", "b"/);
  });

  it('a timeColumn with no readable time is a CsvError naming line and column', () => {
    const e = csvError(() => parseCsvText('name,v\nfoo,1\nbar,2\n', { timeColumn: 'name' }));
    expect(e.column).toBe('name');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/line 2: "foo".*Expected dates such as/);
  });
});
