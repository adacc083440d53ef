/** Request features a compatible server may not accept. `tools` and `image_parts` are for later use. */
export type Capability = "stream_options" | "tools" | "image_parts";

/**
 * What each endpoint was seen to refuse, so that a refused field is left out from then on instead of
 * failing every question. In memory per process: a restart asks once more, which costs one 400.
 */
export class CapabilityMemory {
  private readonly refused = new Map<string, Set<Capability>>();

  refuses(endpoint: string, capability: Capability): boolean {
    return this.refused.get(endpoint)?.has(capability) ?? false;
  }

  /** Returns false when it was already known (the caller must not retry again). */
  remember(endpoint: string, capability: Capability): boolean {
    const set = this.refused.get(endpoint) ?? new Set<Capability>();
    this.refused.set(endpoint, set);
    if (set.has(capability)) return false;
    set.add(capability);
    return true;
  }
}
