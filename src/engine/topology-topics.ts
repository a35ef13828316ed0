/**
 * The topics a deployment of a topology reads and writes, as `streamscore topics create` and the
 * demo create them: input, output and dead letters, and with the drift side stream on, its
 * alert and retraining-request topics (which the drift sink would otherwise create itself with
 * the broker's default partitions).
 */
import { ALERT_TOPIC_CONFIG } from '../drift/index.js';
import type { TopicSpec } from '../io/index.js';
import type { Topology } from '../topology/index.js';

export type TopicRole = 'input' | 'output' | 'dead letters' | 'drift alerts' | 'retrain requests';

export interface TopologyTopic extends TopicSpec {
  readonly role: TopicRole;
}

export interface TopicSizing {
  /** Default: the broker's `num.partitions`. */
  readonly partitions?: number;
  /** Default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
}

export function topologyTopics(topology: Topology, sizing: TopicSizing = {}): TopologyTopic[] {
  const sized = (role: TopicRole, topic: string): TopologyTopic => ({
    role,
    topic,
    ...(sizing.partitions === undefined ? {} : { partitions: sizing.partitions }),
    ...(sizing.replicationFactor === undefined
      ? {}
      : { replicationFactor: sizing.replicationFactor }),
  });
  const topics = [
    sized('input', topology.input.topic),
    sized('output', topology.output.topic),
    sized('dead letters', topology.deadLetter.topic),
  ];
  if (topology.drift.enabled) {
    topics.push(
      { ...sized('drift alerts', topology.drift.alertTopic), configEntries: ALERT_TOPIC_CONFIG },
      sized('retrain requests', topology.drift.retrainTopic),
    );
  }
  return topics;
}
