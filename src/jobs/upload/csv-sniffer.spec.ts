import iconv from 'iconv-lite';
import { CsvSniffer } from './csv-sniffer.js';
import { recordReader } from './record-formats.js';

/** Feeds `content` in chunks of `size` bytes, as a stream would. */
function sniff(content: Buffer | string, size = 7) {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const sniffer = new CsvSniffer();
  for (let i = 0; i < bytes.length; i += size) sniffer.push(bytes.subarray(i, i + size));
  return sniffer;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

describe('CsvSniffer', () => {
  it('counts records across chunks: quoted newlines, CRLF and blank lines', () => {
    const csv = '\uFEFFemail,"first\nname"\r\n\r\na@b.org,"x\r\ny"\r\n  \n,,\nc@d.org,z';
    expect(sniff(csv).facts()).toEqual({
      format: 'csv',
      delimiter: ',',
      encoding: 'utf-8',
      header: ['email', 'first\nname'],
      dataRows: 2,
    });
  });

  it('counts the records the worker stages: a line of empty quoted fields is no record for either', () => {
    const csv = 'email,name\n"",""\na@b.org,Ada\n,\n"",\nc@d.org,"Grace"\n';
    const facts = sniff(csv, 3).facts();
    const reader = recordReader({ format: 'csv', delimiter: ',' });
    const records = [...reader.push(csv), ...reader.end()];
    expect(facts.dataRows).toBe(2);
    expect(records.length - 1).toBe(facts.dataRows);
  });

  it.each([
    [';', 'email;first_name;company\na@b.org;Ada;"Acme, Ltd"\nc@d.org;Grace;Navy\n'],
    ['\t', 'email\tfirst_name\tcompany\na@b.org\tAda\tAcme, Ltd\nc@d.org\tGrace\tNavy\n'],
    ['|', 'email|first_name|company\na@b.org|Ada|Acme; Ltd\nc@d.org|Grace|Navy\n'],
    [',', 'email,first_name,company\na@b.org,Ada,"Acme; Ltd"\nc@d.org,Grace,Navy\n'],
  ])('detects the delimiter %j', (delimiter, csv) => {
    expect(sniff(csv).facts()).toMatchObject({
      delimiter,
      header: ['email', 'first_name', 'company'],
      dataRows: 2,
    });
  });

  it('takes the delimiter it is told', () => {
    const csv = 'email;name\na@b.org;Ada, Lovelace\n';
    const sniffer = new CsvSniffer({ delimiter: ',' });
    sniffer.push(Buffer.from(csv));
    expect(sniffer.facts()).toMatchObject({ delimiter: ',', header: ['email;name'] });
  });

  it('reads JSON Lines: header from the keys, blank lines skipped', () => {
    const jsonl = '{"email":"a@b.org","first_name":"Ada"}\n\n{"email":"c@d.org","company":"Navy"}\n';
    expect(sniff(jsonl).facts()).toMatchObject({
      format: 'jsonl',
      header: ['email', 'first_name', 'company'],
      dataRows: 2,
    });
  });

  it('keeps UTF-8 multi-byte characters split across chunks as UTF-8', () => {
    const csv = 'email,name\na@b.org,Zoë Ünal 東京\n';
    expect(sniff(csv, 1).facts().encoding).toBe('utf-8');
  });

  it('detects Latin-1', () => {
    const csv = iconv.encode('email,name\njose@b.org,José Muñoz\nf@b.org,François Lefèvre Crème\n', 'latin1');
    expect(sniff(csv).facts()).toMatchObject({ encoding: 'windows-1252', dataRows: 2 });
  });

  it.each([
    ['an empty file', '', 'EMPTY_FILE'],
    ['blank lines only', ' \r\n\n', 'EMPTY_FILE'],
    ['a header alone', 'email,name\n\n', 'NO_DATA_ROWS'],
    ['an unbalanced quote', 'email,name\n"a@b.org,x\n', 'MALFORMED_CSV'],
    ['binary bytes', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'BINARY_FILE'],
    [
      'UTF-16',
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('email\na@b.org\n', 'utf16le')]),
      'UNSUPPORTED_ENCODING',
    ],
    [
      'Shift_JIS',
      iconv.encode('email,name\na@b.jp,山田太郎 株式会社テスト\nb@c.jp,佐藤花子 東京電力\n', 'shift_jis'),
      'UNSUPPORTED_ENCODING',
    ],
  ])('refuses %s', (_name, content, code) => {
    expect(codeOf(() => sniff(content).facts())).toBe(code);
  });
});
