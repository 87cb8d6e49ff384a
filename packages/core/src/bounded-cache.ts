/** A bounded map that forgets its oldest entries: caches must not grow with traffic. */
export class BoundedCache<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (this.size >= this.max) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}
