// Readers on generated files: AG News CSV, MNIST-format IDX (gzipped), and the errors they give.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, encodeIdx, readAgNews, readIdx, readMnist } from '@tensorkit/data';

const dir = mkdtempSync(join(tmpdir(), 'tensorkit-readers-'));
try {
  // AG News rows are "class","title","description" with 1-based class ids; the Kaggle header line is skipped.
  // The second row has a comma inside quotes and the corpus' lost-ampersand quirk (" #39;s" for "'s").
  const csv = join(dir, 'train.csv');
  writeFileSync(csv, [
    'Class Index,Title,Description',
    '"3","Markets rally","Stocks rose, led by tech."',
    '"2","Cup final","The home side #39;s keeper saved twice."',
  ].join('\n'));
  const news = await readAgNews(csv);
  assert.deepEqual(news.classes, ['World', 'Sports', 'Business', 'Sci/Tech']); // no classes.txt beside it
  assert.deepEqual(news.items.map((it) => [it.label, it.line]), [[2, 2], [1, 3]]); // 0-based labels, CSV line numbers
  assert.equal(news.items[1].description, "The home side's keeper saved twice.");

  // A bad row is reported with the file, the line and what was expected.
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '"1","ok","fine"\n"7","title","text"\n');
  await assert.rejects(readAgNews(bad), (e: unknown) => {
    assert.ok(e instanceof DataFormatError);
    assert.equal(e.file, bad);
    assert.equal(e.message, `${bad}: line 2: class id '7' is not an integer in 1..4 (4 classes: World, Sports, Business, Sci/Tech)`);
    return true;
  });

  // MNIST is two IDX files per split; readMnist finds them by their official names, gzipped or not.
  const images = Uint8Array.from({ length: 3 * 4 * 4 }, (_, i) => i);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx('uint8', [3, 4, 4], images)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx('uint8', [3], [7, 0, 4])));
  const mnist = await readMnist(dir, 'train');
  assert.deepEqual([mnist.count, mnist.rows, mnist.cols], [3, 4, 4]);
  assert.deepEqual(Array.from(mnist.labels), [7, 0, 4]);
  assert.deepEqual(mnist.images, images);

  // readIdx reads any IDX file and checks it against what the caller expects.
  const floats = join(dir, 'weights.idx');
  writeFileSync(floats, encodeIdx('float32', [2, 2], [0.5, -1, 2, 0]));
  const idx = await readIdx(floats, { dtype: 'float32', ndim: 2 });
  assert.deepEqual(idx.shape, [2, 2]);
  assert.ok(idx.data instanceof Float32Array);
  await assert.rejects(readIdx(floats, { dtype: 'uint8', ndim: 3, what: 'images' }),
    /weights\.idx: bad magic number 0x00000d02 \(float32, 2 dims\), expected 0x00000803 \(images\)/);

  // A truncated download is caught by the size check instead of yielding garbage pixels.
  const truncated = join(dir, 'short.idx');
  writeFileSync(truncated, encodeIdx('uint8', [3, 4, 4], images).subarray(0, 30));
  await assert.rejects(readIdx(truncated), /short\.idx: size mismatch: shape \[3, 4, 4\] declares 48 data bytes, file has 14 \(truncated\)/);
  console.log(`${news.items.length} news items, ${mnist.count} MNIST-format images`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
