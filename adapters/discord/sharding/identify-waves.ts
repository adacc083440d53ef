/**
 * Discord lets each rate-limit bucket (shard id % max_concurrency) identify once per 5 s. Groups the
 * shards to start into waves that hold at most one shard per bucket: the k-th wave takes the k-th
 * shard of every bucket. For all the shards 0..n-1 that is 0..c-1, then c..2c-1, and so on; for a
 * machine's part (DISCORD_SHARD_IDS such as `0,16` with max_concurrency 16) two shards of one bucket
 * never start together.
 */
export function identifyWaves(shardIds: readonly number[], maxConcurrency: number): number[][] {
  const buckets = new Map<number, number[]>();
  for (const id of shardIds) {
    const bucket = id % maxConcurrency;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), id]);
  }
  const waves: number[][] = [];
  for (const ids of buckets.values()) {
    ids.forEach((id, position) => {
      waves[position] ??= [];
      waves[position].push(id);
    });
  }
  return waves.map((wave) => wave.sort((a, b) => a - b));
}
