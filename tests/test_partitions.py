"""Quarter partitions stay in time order, so a backfill range means what it says."""

import dagster as dg

from pipeline.defs.partitions import QUARTERS, register_quarters


def test_quarters_are_kept_in_time_order_whatever_order_they_arrive():
    with dg.instance_for_test() as instance:
        register_quarters(instance, ["2021-22-Q2"])
        register_quarters(instance, ["2022-23-Q1", "2019-20-Q1"])
        register_quarters(instance, ["2021-22-Q3", "2021-22-Q2"])
        assert instance.get_dynamic_partitions(QUARTERS.name) == [
            "2019-20-Q1",
            "2021-22-Q2",
            "2021-22-Q3",
            "2022-23-Q1",
        ]


def test_an_instance_left_out_of_order_is_put_back_in_order():
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(QUARTERS.name, ["2021-22-Q2", "2021-22-Q1"])
        register_quarters(instance, ["2021-22-Q1"])
        assert instance.get_dynamic_partitions(QUARTERS.name) == ["2021-22-Q1", "2021-22-Q2"]
