import { describe, expect, it } from 'vitest';
import { MqttTopicFilter } from './mqtt-topic-filter';

describe(MqttTopicFilter.name, () => {
  it("gives the device id a device topic's `+` matched", () => {
    const sut = new MqttTopicFilter('devices/+/crash');
    expect(sut.match('devices/gw-1/crash')).toEqual(['gw-1']);
    expect(sut.match('devices/gw-1/lock')).toBeNull();
    expect(sut.match('devices/gw-1/crash/extra')).toBeNull();
    expect(sut.match('devices/crash')).toBeNull();
  });

  it('matches an empty level with `+`, as the broker does', () => {
    expect(new MqttTopicFilter('devices/+/crash').match('devices//crash')).toEqual(['']);
  });

  it('gives a trailing `#` the rest of the topic, including nothing', () => {
    const sut = new MqttTopicFilter('fleet/+/#');
    expect(sut.match('fleet/a/b/c')).toEqual(['a', 'b/c']);
    expect(sut.match('fleet/a')).toEqual(['a', '']);
    expect(sut.match('other/a/b')).toBeNull();
  });

  it('does not let a wildcard match a `$` topic', () => {
    expect(new MqttTopicFilter('#').match('$SYS/broker/uptime')).toBeNull();
    expect(new MqttTopicFilter('+/broker/uptime').match('$SYS/broker/uptime')).toBeNull();
    expect(new MqttTopicFilter('$SYS/#').match('$SYS/broker/uptime')).toEqual(['broker/uptime']);
  });

  it('refuses a pattern that is not a topic filter', () => {
    expect(() => new MqttTopicFilter('devices/#/crash')).toThrow(/not an MQTT topic filter/);
    expect(() => new MqttTopicFilter('devices/gw+/crash')).toThrow(/not an MQTT topic filter/);
    expect(() => new MqttTopicFilter('')).toThrow(/not an MQTT topic filter/);
  });
});
