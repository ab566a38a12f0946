import { parse } from 'csv-parse/sync';
import { CsvFormatError, CsvRecords } from './csv-records.js';

/** Parses `text` fed in chunks of `size` characters. */
function records(text: string, size: number): string[][] {
  const parser = new CsvRecords();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

const reference = (text: string): string[][] =>
  parse(text, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  }) as string[][];

const samples = [
  'email,name\na@b.org,Ada\n',
  'email,name\r\na@b.org,Ada\r\nc@d.org,Grace',
  '\uFEFFemail,"full, name"\n"a@b.org","Ada ""the first"" Lovelace"\n',
  'a,b,c\n1,"multi\nline\r\nvalue",3\n\n\n4,,\n,,\n5,"",6\n',
  'a,b\n"x"\n"",y\nz,""""\n',
  'only,header\n1,2\n3,4,5,6\n7\n',
  'a,b\r1,2\r3,4\r',
];

describe('CsvRecords', () => {
  it.each(samples.map((s) => [JSON.stringify(s).slice(0, 40), s]))(
    'parses %s like csv-parse, whatever the chunking',
    (_name, text) => {
      const expected = reference(text);
      for (const size of [1, 2, 3, 5, 8, 13, 1000]) expect(records(text, size)).toEqual(expected);
    },
  );

  it('says on which line each record starts: quoted line breaks, CRLF and blank lines count', () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n\r\n2,z\n"",""\n3,"p\nq\nr"\n4,w';
    for (const size of [1, 2, 5, 1000]) {
      const parser = new CsvRecords();
      const lines: number[] = [];
      const rows: string[][] = [];
      for (let i = 0; i < text.length; i += size) {
        rows.push(...parser.push(text.slice(i, i + size)));
        lines.push(...parser.lines);
      }
      rows.push(...parser.end());
      lines.push(...parser.lines);
      expect(rows.map((r) => r[0])).toEqual(['a', '1', '2', '3', '4']);
      expect(lines).toEqual([1, 2, 5, 7, 10]);
    }
  });

  it('splits on the delimiter it is given, quotes included', () => {
    const parser = new CsvRecords(';');
    expect([...parser.push('a;b\n"x;y";1,5\n'), ...parser.end()]).toEqual([
      ['a', 'b'],
      ['x;y', '1,5'],
    ]);
  });

  it.each([
    ['an unclosed quote', 'a,b\n"x,y\n', /Unclosed quoted field/],
    ['text after a closing quote', 'a,b\n"x"y,z\n', /Invalid closing quote/],
    ['a quote inside an unquoted field', 'a,b\nx"y,z\n', /Invalid quote/],
  ])('refuses %s', (_name, text, message) => {
    for (const size of [1, 4, 100]) {
      expect(() => records(text, size)).toThrow(CsvFormatError);
      expect(() => records(text, size)).toThrow(message);
    }
  });
});
