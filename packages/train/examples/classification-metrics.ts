// Confusion matrix, per-class precision/recall/F1 and macro-F1, as text tables and as a heatmap PNG.
import assert from 'node:assert/strict';
import { imageInfo, svgToPng } from '@tensorkit/data';
import { classificationReport, confusionHeatmapSvg, confusionMatrix, formatClassScores, formatConfusionMatrix } from '@tensorkit/train';

const labels = ['cat', 'dog', 'bird', 'fish'];
const yTrue = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
const yPred = [0, 0, 1, 1, 1, 1, 0, 2, 2, 1];

// confusion[true][pred], like sklearn.metrics.confusion_matrix.
const cm = confusionMatrix(yTrue, yPred, labels.length);
assert.deepEqual(cm, [[2, 1, 0, 0], [1, 3, 0, 0], [0, 1, 2, 0], [0, 0, 0, 0]]);

const report = classificationReport(cm, labels);
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
close(report.accuracy, 7 / 10);
const dog = report.perClass[1];
close(dog.precision, 3 / 5); // 5 predicted dogs, 3 of them right
close(dog.recall, 3 / 4); // 4 real dogs, 3 found
close(dog.f1, (2 * 0.6 * 0.75) / (0.6 + 0.75));
assert.equal(dog.support, 4);
// 'fish' never occurs, in the truth or the predictions: macro-F1 averages the other three (as scikit-learn does).
close(report.macroF1, (2 / 3 + 2 / 3 + 0.8) / 3);

console.log(formatClassScores(report));
console.log(formatConfusionMatrix(cm, labels));
assert.match(formatConfusionMatrix(cm, labels).split('\n')[0], /^true\\pred\s+cat\s+dog\s+bird\s+fish$/);

// Charts are SVG strings; svgToPng (from @tensorkit/data, via sharp) renders them.
const heatmap = confusionHeatmapSvg(cm, labels);
const png = await svgToPng(heatmap.svg);
const info = await imageInfo(png);
assert.deepEqual([info.format, info.width, info.height], ['png', heatmap.width, heatmap.height]);
