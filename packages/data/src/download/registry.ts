/** One published file of a dataset. */
export interface RemoteFile {
  url: string;
  fileName: string;
  /** SHA-256 (hex) if known; null = no content hash available, rely on `md5`/`size`. */
  sha256: string | null;
  /** MD5 (hex) where that is what the upstream loaders publish. */
  md5?: string;
  /** Size in bytes, when known. */
  size?: number;
  /** Where the checksum comes from, or why there is none. */
  note: string;
}

export interface DatasetSpec {
  name: string;
  homepage: string;
  license: string;
  files: Record<string, RemoteFile>;
}

const MNIST_BASE = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

/**
 * Canonical sources. Checksums were not invented: SHA-256 values were computed
 * here from byte-identical copies; MD5 values are the ones torchvision/torchtext
 * publish (torchvision's MD5 for the two MNIST train files matches our local
 * copies, which vouches for the other two).
 */
export const DATASETS = {
  mnist: {
    name: 'MNIST',
    homepage: 'http://yann.lecun.com/exdb/mnist/',
    license: 'CC BY-SA 3.0 (LeCun & Cortes)',
    files: {
      trainImages: {
        url: `${MNIST_BASE}train-images-idx3-ubyte.gz`,
        fileName: 'train-images-idx3-ubyte.gz',
        sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
        md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
        size: 9912422,
        note: 'sha256 computed from a verified local copy (md5 equals torchvision\'s)',
      },
      trainLabels: {
        url: `${MNIST_BASE}train-labels-idx1-ubyte.gz`,
        fileName: 'train-labels-idx1-ubyte.gz',
        sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
        md5: 'd53e105ee54ea40749a09fcbcd1e9432',
        size: 28881,
        note: 'sha256 computed from a verified local copy (md5 equals torchvision\'s)',
      },
      testImages: {
        url: `${MNIST_BASE}t10k-images-idx3-ubyte.gz`,
        fileName: 't10k-images-idx3-ubyte.gz',
        sha256: null,
        md5: '9fb629c4189551a2d022fa330f9573f3',
        size: 1648877,
        note: 'no local copy to hash: md5 as published by torchvision, size as in the official listing',
      },
      testLabels: {
        url: `${MNIST_BASE}t10k-labels-idx1-ubyte.gz`,
        fileName: 't10k-labels-idx1-ubyte.gz',
        sha256: null,
        md5: 'ec29112dd5afa0611ce80d1b7f02629c',
        size: 4542,
        note: 'no local copy to hash: md5 as published by torchvision, size as in the official listing',
      },
    },
  },
  agNews: {
    name: 'AG News',
    homepage: 'http://groups.di.unipi.it/~gulli/AG_corpus_of_news_articles.html',
    license: 'research / non-commercial (see its readme)',
    files: {
      train: {
        url: 'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv',
        fileName: 'train.csv',
        sha256: null,
        md5: 'b1a00f826fdfbd249f79597b59e1dc12',
        note: 'md5 as published by torchtext; the local copy is a 6,000-row subset, so not verifiable here',
      },
      test: {
        url: 'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv',
        fileName: 'test.csv',
        sha256: null,
        md5: 'd52ea96a97a2d943681189a97654912d',
        note: 'md5 as published by torchtext; not verifiable here',
      },
      classes: {
        url: 'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/classes.txt',
        fileName: 'classes.txt',
        sha256: null,
        note: 'no published checksum (4 short lines: World, Sports, Business, Sci/Tech)',
      },
    },
  },
  newsgroups20: {
    name: '20 Newsgroups (bydate)',
    homepage: 'http://qwone.com/~jason/20Newsgroups/',
    license: 'widely redistributed; no explicit license',
    files: {
      archive: {
        // Holds both 20news-bydate-train/ and 20news-bydate-test/; use readNewsgroups(path, { split }).
        url: 'https://ndownloader.figshare.com/files/5975967',
        fileName: '20news-bydate.tar.gz',
        sha256: '8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610',
        note: 'sha256 as published by scikit-learn (fetch_20newsgroups); not verifiable here',
      },
    },
  },
  fsdd: {
    name: 'Free Spoken Digit Dataset',
    homepage: 'https://github.com/Jakobovski/free-spoken-digit-dataset',
    license: 'CC BY-SA 4.0',
    files: {
      archive: {
        url: 'https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/v1.0.9.tar.gz',
        fileName: 'free-spoken-digit-dataset-1.0.9.tar.gz',
        sha256: null,
        note: 'GitHub generates tag archives on the fly and does not guarantee identical bytes, so no checksum is pinned',
      },
    },
  },
} as const satisfies Record<string, DatasetSpec>;

export type DatasetName = keyof typeof DATASETS;
