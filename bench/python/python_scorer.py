"""The Python peer: the fraud-scoring job written the way a Python team would write it.

confluent-kafka (librdkafka) consumer and producer, onnxruntime, micro-batches of up to 256
events or 5 ms, features built per event in plain Python as models/fraud/1/model.json
describes them, one `session.run` per micro-batch, the scored event (the input plus a `fraud`
object, like streamscore's) produced to the output topic without waiting, on the input's
partition (so librdkafka's idempotent producer keeps each partition's order). At-least-once,
like streamscore, without a flush per micro-batch: an input offset is stored only from the
delivery callback of its output, and auto-commit commits the stored offsets.

Configured through the environment, like streamscore's topology: KAFKA_BROKERS, INPUT_TOPIC,
OUTPUT_TOPIC, CONSUMER_GROUP, MODEL_PATH. Runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import json
import math
import os
import signal
from datetime import datetime, timezone

import numpy as np
import onnxruntime as ort
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

MAX_BATCH = 256
MAX_WAIT_S = 0.005

CHANNELS = ["pos", "ecom", "atm", "moto"]
CATEGORIES = [
    "grocery", "restaurant", "fuel", "transport", "retail", "pharmacy",
    "electronics", "travel", "digital_goods", "jewelry", "gambling", "cash",
]
COUNTRIES = ["DE", "FR", "NL", "GB", "US"]
CATEGORY_INDEX = {name: float(index) for index, name in enumerate(CATEGORIES)}


def features(event: dict) -> list[float]:
    """The 15 model columns of models/fraud/1, in order (see its manifest)."""
    velocity = event.get("velocity") or {}
    count_1h = velocity.get("txn_count_1h") or 0
    sum_24h = velocity.get("amount_sum_24h") or 0
    hour = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).astimezone(timezone.utc).hour
    channel = event["channel"]
    country = event["merchant"]["country"]
    return [
        (math.log1p(event["amount"]) - 3.782) / 1.0796,
        float(hour),
        1.0 if event["card_present"] else 0.0,
        float(min(max(count_1h, 0), 20)),
        (math.log1p(sum_24h) - 5.2994) / 1.9692,
        *[1.0 if channel == name else 0.0 for name in CHANNELS],
        CATEGORY_INDEX.get(event["merchant"]["category"], -1.0),
        *[1.0 if country == name else 0.0 for name in COUNTRIES],
    ]


def main() -> None:
    brokers = os.environ["KAFKA_BROKERS"]
    input_topic = os.environ["INPUT_TOPIC"]
    output_topic = os.environ["OUTPUT_TOPIC"]
    session = ort.InferenceSession(os.environ["MODEL_PATH"], providers=["CPUExecutionProvider"])

    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": os.environ["CONSUMER_GROUP"],
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "enable.auto.offset.store": False,
        }
    )
    producer = Producer(
        {"bootstrap.servers": brokers, "acks": "all", "enable.idempotence": True, "linger.ms": 5}
    )
    consumer.subscribe([input_topic])

    running = True
    failure: list[KafkaException] = []

    def delivered(error, source_partition: int, source_offset: int) -> None:
        if error is not None:
            # Not stored: the event is read again after a restart.
            failure.append(KafkaException(error))
            return
        try:
            consumer.store_offsets(
                offsets=[TopicPartition(input_topic, source_partition, source_offset + 1)]
            )
        except KafkaException:
            # The partition was revoked meanwhile: its new owner reads from the last commit.
            pass

    def stop(_signum, _frame):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def produce(*args, **kwargs) -> None:
        while True:
            try:
                producer.produce(*args, **kwargs)
                return
            except BufferError:
                # The producer's queue is full: serve delivery callbacks until there is room.
                producer.poll(0.05)

    try:
        while running and not failure:
            messages = consumer.consume(num_messages=MAX_BATCH, timeout=MAX_WAIT_S)
            if not messages:
                continue
            events, rows, sources = [], [], []
            for message in messages:
                if message.error():
                    raise KafkaException(message.error())
                event = json.loads(message.value())
                events.append(event)
                rows.append(features(event))
                sources.append(message)
            label, probabilities = session.run(
                ["label", "probabilities"], {"features": np.asarray(rows, dtype=np.float32)}
            )
            scored_at = datetime.now(timezone.utc).isoformat()
            for i, event in enumerate(events):
                event["fraud"] = {
                    "probability": float(probabilities[i, 1]),
                    "label": int(label[i]),
                    "model": "fraud",
                    "version": 1,
                    "scoredAt": scored_at,
                }
                source = sources[i]
                produce(
                    output_topic,
                    json.dumps(event).encode("utf-8"),
                    key=source.key(),
                    partition=source.partition(),
                    # Where the event came from: the bench joins outputs to inputs by these.
                    headers=[
                        ("streamscore.source.partition", str(source.partition())),
                        ("streamscore.source.offset", str(source.offset())),
                    ],
                    on_delivery=lambda error, _message, p=source.partition(), o=source.offset(): (
                        delivered(error, p, o)
                    ),
                )
            producer.poll(0)
        if failure:
            raise failure[0]
    finally:
        producer.flush(10)
        consumer.close()


if __name__ == "__main__":
    main()
