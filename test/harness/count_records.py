"""Counts the records of Kafka topics with a client that shares no code with streamscore.

Fault tests ask it what really is in the output and dead-letter topics: librdkafka (through
confluent-kafka) reads every partition from its low to its high watermark as they are when the
count starts, by assignment, so no consumer group joins and no offset is committed.

Prints one JSON document on stdout, compact enough for ~100k records per topic:

  {"topics": {"<topic>": {
      "partitions": 3, "records": 3000,
      "keys": {"<key>": <times seen>, ...}, "nullKeys": 0,
      "withValue": 3000,
      "errorClasses": {"DECODE_FAILED": 12, ...},
      "withoutValue": [{"key": "k", "valueLength": 1048400, "hasSha256": true}, ...],
      "messages": ["<distinct streamscore.error.message>", ...]}}}

Values are never hashed: a dead letter without its value carries the value's length and
SHA-256 in headers, and a test can only check that they are there.
Exits 2 on a usage or broker error, with the reason on stderr.
"""

import argparse
import json
import re
import sys
import time
from collections import Counter

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

ERROR_CLASS = "streamscore.error.class"
ERROR_MESSAGE = "streamscore.error.message"
VALUE_LENGTH = "streamscore.error.value-length"
VALUE_SHA256 = "streamscore.error.value-sha256"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
# Distinct error messages kept per topic: enough to find each kind, bounded for big DLQs.
MAX_MESSAGES = 200


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--timeout-s", type=float, default=60.0)
    parser.add_argument("topics", nargs="+")
    return parser.parse_args(argv)


class TopicCount:
    def __init__(self, partitions):
        self.partitions = partitions
        self.records = 0
        self.keys = Counter()
        self.null_keys = 0
        self.with_value = 0
        self.error_classes = Counter()
        self.without_value = []
        self.messages = {}

    def add(self, message):
        self.records += 1
        key = message.key()
        key_text = None if key is None else key.decode("utf-8", errors="replace")
        if key_text is None:
            self.null_keys += 1
        else:
            self.keys[key_text] += 1
        headers = decoded_headers(message.headers())
        error_class = headers.get(ERROR_CLASS)
        if error_class is not None:
            self.error_classes[error_class] += 1
        error_message = headers.get(ERROR_MESSAGE)
        if error_message is not None and len(self.messages) < MAX_MESSAGES:
            self.messages[error_message] = True
        if message.value() is not None:
            self.with_value += 1
            return
        length = headers.get(VALUE_LENGTH)
        self.without_value.append(
            {
                "key": key_text,
                "valueLength": int(length) if length is not None and length.isdigit() else None,
                "hasSha256": SHA256_HEX.match(headers.get(VALUE_SHA256, "")) is not None,
            }
        )

    def to_json(self):
        return {
            "partitions": self.partitions,
            "records": self.records,
            "keys": dict(self.keys),
            "nullKeys": self.null_keys,
            "withValue": self.with_value,
            "errorClasses": dict(self.error_classes),
            "withoutValue": self.without_value,
            "messages": list(self.messages),
        }


def decoded_headers(headers):
    """The last value of each header, as text (streamscore writes every header once)."""
    decoded = {}
    for name, value in headers or []:
        decoded[name] = "" if value is None else value.decode("utf-8", errors="replace")
    return decoded


def count_topics(bootstrap_servers, topics, timeout_s):
    deadline = time.monotonic() + timeout_s
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            # Required by the client; never joined (assign, not subscribe) and never committed.
            "group.id": "streamscore-independent-count",
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            # streamscore writes no transactions: every record in the log counts.
            "isolation.level": "read_uncommitted",
            "enable.partition.eof": True,
            "allow.auto.create.topics": False,
        }
    )
    try:
        metadata = consumer.list_topics(timeout=max(1.0, deadline - time.monotonic()))
        counts = {}
        # (topic, partition) -> high watermark still to reach.
        remaining = {}
        assignment = []
        for topic in topics:
            described = metadata.topics.get(topic)
            if described is None or described.error is not None:
                raise LookupError(f"topic {topic} does not exist at {bootstrap_servers}")
            counts[topic] = TopicCount(len(described.partitions))
            for partition in sorted(described.partitions):
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition),
                    timeout=max(1.0, deadline - time.monotonic()),
                )
                if high > low:
                    remaining[(topic, partition)] = high
                    assignment.append(TopicPartition(topic, partition, low))
        if assignment:
            consumer.assign(assignment)
        while remaining:
            if time.monotonic() >= deadline:
                left = ", ".join(f"{t}[{p}] to {h}" for (t, p), h in sorted(remaining.items()))
                raise TimeoutError(f"not read within {timeout_s} s: {left}")
            for message in consumer.consume(num_messages=10_000, timeout=0.5):
                where = (message.topic(), message.partition())
                end = remaining.get(where)
                error = message.error()
                if error is not None:
                    if error.code() != KafkaError._PARTITION_EOF:
                        raise KafkaException(error)
                    if end is not None and message.offset() >= end:
                        del remaining[where]
                    continue
                # Records written after the count started are not part of it.
                if end is None or message.offset() >= end:
                    continue
                counts[message.topic()].add(message)
                if message.offset() + 1 >= end:
                    del remaining[where]
        return {"topics": {topic: count.to_json() for topic, count in counts.items()}}
    finally:
        consumer.close()


def main(argv):
    args = parse_args(argv)
    try:
        result = count_topics(args.bootstrap_servers, args.topics, args.timeout_s)
    except (KafkaException, LookupError, TimeoutError) as error:
        print(f"count_records: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
