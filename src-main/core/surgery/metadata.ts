// Model metadata (metadata_props): the keys Graft reads and writes, and changes made without
// touching the caller's model.
import { create } from '@bufbuild/protobuf';
import { type ModelProto, StringStringEntryProtoSchema } from '../onnx/gen/onnx_pb.js';

/** The class names, index by index: a JSON array of strings. */
export const CLASS_NAMES_KEY = 'class_names';
/** How inputs were prepared for training: JSON {channels, height, width, mean, std, layout, resize}. */
export const PREPROCESSING_KEY = 'preprocessing';
/** The surgery applied before training: the JSON list of edits. */
export const GRAFT_EDITS_KEY = 'graft_edits';

/** A copy of `model` with `key` set to `value`, or removed when `value` is null. */
export function withMetadata(model: ModelProto, key: string, value: string | null): ModelProto {
  const entry = value === null ? null : create(StringStringEntryProtoSchema, { key, value });
  const others = model.metadataProps.filter((p) => p.key !== key);
  const at = model.metadataProps.findIndex((p) => p.key === key);
  // An existing entry is replaced where it stands, so the file's order is kept.
  const props = !entry ? others : at >= 0 ? model.metadataProps.map((p) => (p.key === key ? entry : p)) : [...others, entry];
  // A shallow copy that keeps the message's prototype (spreading would lose it).
  return Object.assign(Object.create(Object.getPrototypeOf(model) as object) as ModelProto, model, { metadataProps: props });
}

export function metadataValue(model: ModelProto, key: string): string | null {
  return model.metadataProps.find((p) => p.key === key)?.value ?? null;
}
