import { DatasetError } from '../errors.js';
import type { ArchiveSpec, DatasetSpec, FileSpec } from './spec.js';

const sha256 = (hex: string) => ({ algorithm: 'sha256', hex }) as const;

/** An IDX file published gzip'd, also accepted decompressed (checksums of the decompressed bytes). */
function idxFile(id: string, name: string, mirrors: readonly string[], gz: [number, string], raw: [number, string]): FileSpec {
  return {
    id,
    mirrors,
    variants: [
      { name: `${name}.gz`, bytes: gz[0], checksum: sha256(gz[1]) },
      { name, bytes: raw[0], checksum: sha256(raw[1]) },
    ],
  };
}

// torchvision's mirror list for MNIST; Zalando's bucket for Fashion-MNIST.
const mnistMirrors = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'];
const fashionMirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'];

export const mnistSpec: DatasetSpec = {
  name: 'mnist',
  title: 'MNIST handwritten digits (LeCun et al. 1998)',
  dir: 'mnist',
  files: [
    idxFile('train-images', 'train-images-idx3-ubyte', mnistMirrors,
      [9912422, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609'],
      [47040016, 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db']),
    idxFile('train-labels', 'train-labels-idx1-ubyte', mnistMirrors,
      [28881, '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c'],
      [60008, '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5']),
    idxFile('test-images', 't10k-images-idx3-ubyte', mnistMirrors,
      [1648877, '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6'],
      [7840016, '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7']),
    idxFile('test-labels', 't10k-labels-idx1-ubyte', mnistMirrors,
      [4542, 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6'],
      [10008, 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2']),
  ],
};

export const fashionMnistSpec: DatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST (Xiao et al. 2017)',
  dir: 'fashion-mnist',
  files: [
    idxFile('train-images', 'train-images-idx3-ubyte', fashionMirrors,
      [26421880, '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84'],
      [47040016, 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888']),
    idxFile('train-labels', 'train-labels-idx1-ubyte', fashionMirrors,
      [29515, 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845'],
      [60008, 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9']),
    idxFile('test-images', 't10k-images-idx3-ubyte', fashionMirrors,
      [4422102, '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073'],
      [7840016, '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b']),
    idxFile('test-labels', 't10k-labels-idx1-ubyte', fashionMirrors,
      [5148, '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5'],
      [10008, '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34']),
  ],
};

// The binary batches have no published per-file digest; their git blob ids are recorded upstream
// (see the project's data notes), and the archive's MD5 is the one the CIFAR page publishes.
const cifarArchive: ArchiveSpec = {
  name: 'cifar-10-binary.tar.gz',
  checksum: { algorithm: 'md5', hex: 'c32a1d4ab5d03f1284b67883e8d87530' },
  mirrors: ['https://www.cs.toronto.edu/~kriz/'],
  memberDir: 'cifar-10-batches-bin',
};

const cifarBatch = (id: string, gitBlobSha1: string): FileSpec => ({
  id,
  mirrors: [],
  archive: cifarArchive,
  variants: [{ name: `${id}.bin`, bytes: 30730000, checksum: { algorithm: 'git-blob-sha1', hex: gitBlobSha1 } }],
});

export const cifar10Spec: DatasetSpec = {
  name: 'cifar-10',
  title: 'CIFAR-10 (Krizhevsky 2009), binary version',
  dir: 'cifar-10',
  subdirs: ['cifar-10-batches-bin'],
  files: [
    cifarBatch('data_batch_1', 'da09f891072747be90e69e4f00ba7cba870dc87e'),
    cifarBatch('data_batch_2', '7e958840b7a55df3353574298ebc9ca0e4bba48e'),
    cifarBatch('data_batch_3', '5259a3e9674ffdf2d5c33a1067f7192ff06c9e2f'),
    cifarBatch('data_batch_4', '301e7d16d78428f13262e87a5bc78ed45b8224aa'),
    cifarBatch('data_batch_5', '51fe428dfbdd065852912743ae8b7b63bb1e9d8d'),
    cifarBatch('test_batch', 'e3f3b4653f18f27ada1558cabc3352a3ed1b25cc'),
  ],
};

const trecMirrors = ['https://cogcomp.seas.upenn.edu/Data/QA/QC/', 'http://cogcomp.org/Data/QA/QC/'];

export const trecSpec: DatasetSpec = {
  name: 'trec',
  title: 'TREC question classification (Li & Roth 2002)',
  dir: 'trec',
  files: [
    {
      id: 'train',
      mirrors: trecMirrors,
      variants: [{ name: 'train_5500.label', bytes: 335858, checksum: sha256('9e4c8bdcaffb96ed61041bd64b564183d52793a8e91d84fc3a8646885f466ec3') }],
    },
    {
      id: 'test',
      mirrors: trecMirrors,
      variants: [{ name: 'TREC_10.label', bytes: 23354, checksum: sha256('033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e') }],
    },
  ],
};

export const datasetSpecs: readonly DatasetSpec[] = [mnistSpec, fashionMnistSpec, cifar10Spec, trecSpec];

export const datasetNames = datasetSpecs.map((spec) => spec.name);

export function datasetSpec(name: string): DatasetSpec {
  const spec = datasetSpecs.find((s) => s.name === name);
  if (!spec) {
    throw new DatasetError('unknown-dataset', `unknown dataset '${name}'`, { expected: `one of ${datasetNames.join(', ')}` });
  }
  return spec;
}

export function fileSpec(spec: DatasetSpec, id: string): FileSpec {
  const file = spec.files.find((f) => f.id === id);
  if (!file) throw new Error(`mgdl: dataset '${spec.name}' has no file '${id}'`);
  return file;
}
