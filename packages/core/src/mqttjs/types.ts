/**
 * The MQTT.js types used outside this folder. Only mqttjs/ imports `mqtt` (a lint rule in
 * biome.json enforces it), so what this library takes from MQTT.js is listed here and in
 * mqtt-internals.ts.
 */
export type {
  DoneCallback,
  IClientOptions,
  IClientPublishOptions,
  IClientSubscribeOptions,
  IConnackPacket,
  IDisconnectPacket,
  IPublishPacket,
  IStream,
  ISubscriptionMap,
  MqttClient,
  Packet,
  StreamBuilder,
} from 'mqtt'
