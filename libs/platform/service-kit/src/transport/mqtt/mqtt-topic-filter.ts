/**
 * An MQTT topic filter (`devices/+/crash`, `fleet/#`) as a handler's pattern: whether a topic the
 * broker delivered matches it, and what its wildcards matched (the handler's topic params, such as
 * the device id).
 */
export class MqttTopicFilter {
  private readonly levels: string[];

  constructor(readonly filter: string) {
    this.levels = filter.split('/');
    const multi = this.levels.indexOf('#');
    if (filter.length === 0 || (multi !== -1 && multi !== this.levels.length - 1) || this.levels.some((l) => l !== '+' && l !== '#' && /[+#]/.test(l))) {
      throw new Error(`'${filter}' is not an MQTT topic filter`);
    }
  }

  /**
   * The levels the filter's `+` wildcards matched, in order (and for a trailing `#` the rest of the
   * topic as one param), or null when the topic does not match. As the broker does, a wildcard
   * never matches a first level that starts with `$` (`$SYS/...`).
   */
  match(topic: string): string[] | null {
    const levels = topic.split('/');
    if (levels[0].startsWith('$') && (this.levels[0] === '+' || this.levels[0] === '#')) return null;
    const params: string[] = [];
    for (let i = 0; i < this.levels.length; i += 1) {
      const want = this.levels[i];
      if (want === '#') {
        params.push(levels.slice(i).join('/'));
        return params;
      }
      if (i >= levels.length) return null;
      if (want === '+') params.push(levels[i]);
      else if (want !== levels[i]) return null;
    }
    return levels.length === this.levels.length ? params : null;
  }
}
