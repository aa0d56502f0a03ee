import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeAgNewsText, parseCsv, readAgNews, readCsv } from '../src/io/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTmpDir('csv')));
afterAll(() => cleanup());

async function put(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('readCsv (RFC 4180)', () => {
  it('handles quoted fields, escaped quotes, embedded newlines and CRLF, with start lines', async () => {
    const path = await put('a.csv', 'id,text\r\n1,"hello, world"\r\n2,"she said ""hi"""\r\n\r\n3,"two\nlines"\r\n4,plain');
    const rows = await readCsv(path);
    expect(rows).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1', 'hello, world'], line: 2 },
      { fields: ['2', 'she said "hi"'], line: 3 },
      { fields: ['3', 'two\nlines'], line: 5 },
      { fields: ['4', 'plain'], line: 7 },
    ]);
  });

  it('counts a CRLF inside a quoted field as one line, for that record and every later one', async () => {
    // csv-parse counts such a "\r\n" twice, which put every later record (and error) a line too far.
    const path = await put('crlf.csv', '\ufeffid,text\r\n1,"two\r\nlines"\r\n\r\n2,"three\r\n\r\nlines"\r\n3,plain\r\n');
    expect(await readCsv(path)).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1', 'two\r\nlines'], line: 2 },
      { fields: ['2', 'three\r\n\r\nlines'], line: 5 },
      { fields: ['3', 'plain'], line: 8 },
    ]);
    const bad = await put('crlf-bad.csv', 'a,"b\r\nc"\r\nd,"e"x\r\nf,"never closed\r\n');
    await expect(readCsv(bad)).rejects.toThrow(`${bad}: line 3: a quoted field must be followed by a delimiter`);
    const open = await put('crlf-open.csv', 'a,"b\r\nc"\r\nf,"never closed\r\n');
    await expect(readCsv(open)).rejects.toThrow(`${open}: line 3: unterminated quoted field`);
  });

  it('reports an unterminated quote at the line where the record starts', async () => {
    const path = await put('open.csv', 'a,b\nc,d\n"never closed,e\nf,g\n');
    await expect(readCsv(path)).rejects.toThrow(new RegExp(`${path}: line 3: unterminated quoted field`));
  });

  it('names the lines where an unterminated record starts and where the file ends, whatever the line breaks and blank lines', async () => {
    // The end line counted each "\r\n" inside the open record twice; the start missed blank lines before it.
    const cases: [string, string][] = [
      ['a,b\n"x\ny\nz', 'line 2: unterminated quoted field (no closing quote before end of file at line 4)'],
      ['a,b\r\n"x\r\ny\r\nz', 'line 2: unterminated quoted field (no closing quote before end of file at line 4)'],
      ['a,b\r\n"x\r\ny\r\nz\r\n', 'line 2: unterminated quoted field (no closing quote before end of file at line 4)'],
      ['a\r\n"b\r\nc",d\r\n"e\r\nf', 'line 4: unterminated quoted field (no closing quote before end of file at line 5)'],
      ['a\r\n\r\n"x\r\ny', 'line 3: unterminated quoted field (no closing quote before end of file at line 4)'],
      ['a\n\n\n"x\ny\n', 'line 4: unterminated quoted field (no closing quote before end of file at line 5)'],
    ];
    for (const [text, message] of cases) {
      const run = async () => {
        for await (const _ of parseCsv(text, 'open.csv')) void _;
      };
      await expect(run(), JSON.stringify(text)).rejects.toThrow(`open.csv: ${message}`);
    }
  });

  it('reports a stray quote after a closing quote', async () => {
    const run = async () => {
      for await (const _ of parseCsv('ok,1\n"bad"x,2\n', 'mem.csv')) void _;
    };
    await expect(run()).rejects.toThrow(/mem\.csv: line 2: a quoted field must be followed by a delimiter/);
  });

  it('returns no records for an empty file and names a missing one', async () => {
    expect(await readCsv(await put('empty.csv', ''))).toEqual([]);
    await expect(readCsv(join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: file or directory not found/);
  });
});

describe('normalizeAgNewsText', () => {
  it('undoes backslash breaks, escaped dollars and ampersand-less entities', () => {
    expect(normalizeAgNewsText('Iraq election delay  #39;considered #39;')).toBe("Iraq election delay 'considered'");
    expect(normalizeAgNewsText('Iraq #39;s commission')).toBe("Iraq's commission");
    expect(normalizeAgNewsText('pay \\$5 million to\\settle')).toBe('pay $5 million to settle');
    expect(normalizeAgNewsText('fired a\\nuclear-capable missile')).toBe('fired a nuclear-capable missile');
    expect(normalizeAgNewsText('Sources\\\\A9, the engine', { lineBreak: '\n' })).toBe('Sources\nA9, the engine');
    expect(normalizeAgNewsText('&lt;p&gt;\\&lt;/p&gt;&lt;p&gt; Text &amp; more')).toBe('Text & more');
    expect(normalizeAgNewsText('a &lt;b&gt; c', { stripTags: false })).toBe('a <b> c');
    expect(normalizeAgNewsText('wait #151; what #36;5')).toBe('wait— what$5');
    // Named references lost their ampersand too (330 " quot;" in the 6,000 training rows here).
    expect(normalizeAgNewsText('cracks down on  quot;phone sex quot; services')).toBe('cracks down on "phone sex" services');
    expect(normalizeAgNewsText('Let Cingular Buy AT amp;T Wireless')).toBe('Let Cingular Buy AT&T Wireless');
    expect(normalizeAgNewsText('Cricket  gt; Kanpur')).toBe('Cricket > Kanpur');
    // Only the known names, and only where the ampersand's space is.
    expect(normalizeAgNewsText('a blt; sandwich, or foo; bar')).toBe('a blt; sandwich, or foo; bar');
  });
});

describe('readAgNews', () => {
  it('reads classes.txt and rows, labels 0-based', async () => {
    await put('ag/classes.txt', 'World\nSports\nBusiness\nSci/Tech\n');
    const path = await put('ag/train.csv', '"3","Fed #39;s move","Rates rise\\$5 ""soon"""\n"2","Goal!","A ""great""\nmatch"\n');
    const { classes, items } = await readAgNews(path);
    expect(classes).toEqual(['World', 'Sports', 'Business', 'Sci/Tech']);
    expect(items).toEqual([
      { label: 2, title: "Fed's move", description: 'Rates rise$5 "soon"', text: 'Fed\'s move\nRates rise$5 "soon"', line: 1 },
      { label: 1, title: 'Goal!', description: 'A "great"\nmatch', text: 'Goal!\nA "great"\nmatch', line: 2 },
    ]);
    const raw = await readAgNews(path, { normalize: false });
    expect(raw.items[0].title).toBe('Fed #39;s move');
  });

  it("skips the Kaggle copy's header line, and only a header on the first line", async () => {
    const path = await put('agk/train.csv', 'Class Index,Title,Description\n3,"Wall St. Bears","Short-sellers"\n');
    const { items } = await readAgNews(path);
    expect(items.map((i) => [i.label, i.title, i.line])).toEqual([[2, 'Wall St. Bears', 2]]);
    const later = await put('agk/later.csv', '3,"t","d"\nClass Index,Title,Description\n');
    await expect(readAgNews(later)).rejects.toThrow(/later\.csv: line 2: class id 'Class Index' is not an integer/);
    const onlyHeader = await put('agk/only.csv', '"Class Index","Title","Description"\n');
    await expect(readAgNews(onlyHeader)).rejects.toThrow(/only\.csv: no rows after the header line: expected rows/);
  });

  it('rejects a class id outside 1..N, naming file and line', async () => {
    await put('ag2/classes.txt', 'A\nB\n');
    const path = await put('ag2/train.csv', '"1","t","d"\n"2","t","d"\n"3","t","d"\n');
    await expect(readAgNews(path)).rejects.toThrow(`${path}: line 3: class id '3' is not an integer in 1..2 (2 classes: A, B)`);
    const zero = await put('ag2/zero.csv', '"0","t","d"\n');
    await expect(readAgNews(zero)).rejects.toThrow(/zero\.csv: line 1: class id '0'/);
    const word = await put('ag2/word.csv', '"1","t","d"\n\n"World","t","d"\n');
    await expect(readAgNews(word)).rejects.toThrow(/word\.csv: line 3: class id 'World'/);
  });

  it('rejects wrong field counts, unterminated quotes and empty files', async () => {
    const two = await put('ag3/two.csv', '"1","title only"\n');
    await expect(readAgNews(two)).rejects.toThrow(/two\.csv: line 1: expected 3 fields "class","title","description", found 2/);
    const open = await put('ag3/open.csv', '"1","t","d"\n"2","t","never closed\nmore text\n');
    await expect(readAgNews(open)).rejects.toThrow(/open\.csv: line 2: unterminated quoted field/);
    const empty = await put('ag3/empty.csv', '\n\n');
    await expect(readAgNews(empty)).rejects.toThrow(/empty\.csv: empty file: expected rows of "class","title","description"/);
    await put('ag4/classes.txt', '\n');
    const noClasses = await put('ag4/train.csv', '"1","t","d"\n');
    await expect(readAgNews(noClasses)).rejects.toThrow(/ag4\/classes\.txt: empty class list/);
  });
});
