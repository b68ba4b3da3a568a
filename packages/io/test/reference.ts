/** An independent safetensors reader for tests. */

/**
 * A minimal safetensors reader written from the format description, mimicking the checks of the
 * reference implementation (safetensors' `SafeTensors::deserialize` / `validate`): the header
 * length fits, the header is a JSON object starting with '{', each entry has a known dtype, the
 * byte range matches the shape, and the sorted ranges tile the data section.
 */
export function referenceRead(bytes: Uint8Array): { header: Record<string, unknown>; tensors: Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }> } {
  const size: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1, BOOL: 1, F16: 2, BF16: 2 };
  if (bytes.length < 8) throw new Error('HeaderTooSmall');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (n > 100_000_000) throw new Error('HeaderTooLarge');
  if (8 + n > bytes.length) throw new Error('InvalidHeaderLength');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new Error('InvalidHeaderStart');
  const header = JSON.parse(text) as Record<string, unknown>;
  const infos = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([name, v]) => ({ name, ...(v as { dtype: string; shape: number[]; data_offsets: [number, number] }) }));
  const sorted = [...infos].sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
  let start = 0;
  for (const info of sorted) {
    const [s, e] = info.data_offsets;
    if (s !== start || e < s) throw new Error(`InvalidOffset(${info.name})`);
    start = e;
    const count = info.shape.reduce((a, b) => a * b, 1);
    if (size[info.dtype] === undefined) throw new Error('UnknownDtype');
    if (count * size[info.dtype]! !== e - s) throw new Error(`TensorInvalidInfo(${info.name})`);
  }
  if (start + 8 + n !== bytes.length) throw new Error('MetadataIncompleteBuffer');
  const tensors = new Map(infos.map((i) => [i.name, { dtype: i.dtype, shape: i.shape, bytes: bytes.subarray(8 + n + i.data_offsets[0], 8 + n + i.data_offsets[1]) }]));
  return { header, tensors };
}
