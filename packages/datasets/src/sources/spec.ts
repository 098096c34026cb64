export type ChecksumAlgorithm = 'sha256' | 'md5' | 'git-blob-sha1';

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  hex: string;
}

/** One way a logical file can be stored (e.g. gzip'd as published, or decompressed). */
export interface FileVariant {
  name: string;
  bytes?: number;
  checksum: Checksum;
}

/** An archive that holds some of a dataset's files, and is what gets downloaded for them. */
export interface ArchiveSpec {
  name: string;
  bytes?: number;
  checksum: Checksum;
  mirrors: readonly string[];
  /** Directory inside the archive where the member files are. */
  memberDir: string;
}

export interface FileSpec {
  /** Logical name, e.g. `train-images`. */
  id: string;
  /** The first variant is the published one that downloads fetch. */
  variants: readonly FileVariant[];
  /** Base URLs the published variant's name is appended to; empty when it comes from `archive`. */
  mirrors: readonly string[];
  /** Set when the file can also be read from inside (and is downloaded as part of) an archive. */
  archive?: ArchiveSpec;
}

/** Where a dataset's files live and how to check them. */
export interface DatasetSpec {
  name: string;
  title: string;
  /** Sub-directory of a data dir or the cache that holds the files. */
  dir: string;
  /** Further sub-directories searched inside `dir` (e.g. an unpacked archive's folder). */
  subdirs?: readonly string[];
  files: readonly FileSpec[];
}
