// ProtoCLIP building blocks (methods.md §5). See each module's header for the maths contract.
export { chunkRows, clusterSums, meansFromSums, oneHotFloat, DEFAULT_MAX_CHUNK_ELEMENTS } from './clusterOps';
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans';
export { backTranslate, clusterMeans } from './pbt';
export { protoSoftTargets, DEFAULT_TARGET_TEMPERATURE } from './softTargets';
export { protoLoss, protoHardLoss, protoLogits, protoAccuracy } from './protoLoss';
export { ProtoHeads, headForward, FEATURE_PASS_TRAINING_MODE, BN_MOMENTUM, BN_EPS, type ProtoHead } from './heads';
export { fitTfidfPcaTeacher, TfidfPcaTeacher, TEACHER_FORMAT, type TeacherJSON, type TeacherFitOptions } from './teacher';
export { teacherTokens } from './tfidf';
export { sampleEpisode, defaultK } from './episode';
export {
  buildEpisodePrototypes,
  protoBatchLosses,
  type EpisodePrototypes,
  type ExternalPrototypes,
  type BuildPrototypesOptions,
  type ProtoBatchLosses,
} from './prototypes';
