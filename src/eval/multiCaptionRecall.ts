// Retrieval recall@k when an image has several captions (docs/methods.md §7): image → text is a hit
// when ANY of the image's captions is among the top k captions; text → image when the caption's own
// image is among the top k images. Ranks count candidates scoring strictly above (ties in the true
// partner's favour), so rank < k ⇔ hit@k. Pure: a similarity matrix in, ranks out.

export interface RetrievalRanks {
  /** Per image: captions of OTHER images scoring strictly above its best-scoring own caption. */
  imageToText: Int32Array;
  /** Per caption: images scoring strictly above its own image. */
  textToImage: Int32Array;
}

/**
 * `sim` is the nImages × nCaptions matrix of cosines (row-major), `imageOf[j]` the image of caption j.
 * An image without captions gets rank nCaptions (never a hit).
 */
export function multiCaptionRanks(sim: ArrayLike<number>, nImages: number, imageOf: ArrayLike<number>): RetrievalRanks {
  const nCaptions = imageOf.length;
  if (sim.length !== nImages * nCaptions) throw new Error(`similarity has ${sim.length} entries, expected ${nImages} × ${nCaptions}`);
  const imageToText = new Int32Array(nImages);
  for (let i = 0; i < nImages; i++) {
    const row = i * nCaptions;
    let best = -Infinity;
    let own = false;
    for (let j = 0; j < nCaptions; j++) {
      if (imageOf[j] === i) {
        own = true;
        if (sim[row + j]! > best) best = sim[row + j]!;
      }
    }
    if (!own) {
      imageToText[i] = nCaptions;
      continue;
    }
    let above = 0;
    for (let j = 0; j < nCaptions; j++) if (imageOf[j] !== i && sim[row + j]! > best) above++;
    imageToText[i] = above;
  }
  const textToImage = new Int32Array(nCaptions);
  for (let j = 0; j < nCaptions; j++) {
    const mine = imageOf[j]!;
    const s = sim[mine * nCaptions + j]!;
    let above = 0;
    for (let i = 0; i < nImages; i++) if (i !== mine && sim[i * nCaptions + j]! > s) above++;
    textToImage[j] = above;
  }
  return { imageToText, textToImage };
}

/** Share of ranks below k; NaN for no queries. */
export function recallAt(ranks: ArrayLike<number>, k: number): number {
  if (ranks.length === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i]! < k) hit++;
  return hit / ranks.length;
}
