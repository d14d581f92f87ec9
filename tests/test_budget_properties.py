"""Invariants of the budget's capacity and break-even rules, for any input (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlcpb.engine import budget as engine

HOURS = 730.0


@settings(max_examples=200, deadline=None)
@given(hours=st.floats(0.0, 1e6), utilisation=st.floats(0.05, 1.0),
       per_replica=st.sampled_from([1, 2, 4, 8]), per_instance=st.sampled_from([1, 2, 4, 8]))
def test_whole_replicas_are_the_fewest_that_carry_the_load(hours, utilisation, per_replica,
                                                           per_instance):
    replicas = engine.replicas_needed([[hours]], HOURS, [utilisation], [per_replica])[0, 0]
    devices = engine.provisioned_devices([[replicas]], [per_replica], [per_instance])[0, 0]
    capacity = HOURS * utilisation * per_replica  # device-hours one replica carries a month
    assert replicas == int(replicas) and devices % per_instance == 0
    assert replicas * capacity >= hours * (1 - 1e-12)          # enough
    assert (replicas - 1) * capacity < hours or replicas == 0  # and no more than needed
    assert (replicas >= 1) == (hours > 0)                      # one while there is demand
    assert devices >= replicas * per_replica and devices - replicas * per_replica < per_instance


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=24))
def test_break_even_is_where_self_hosting_stays_cheaper(months):
    self_cost = engine.cumulative([[a for a, _ in months]])
    api = engine.cumulative([[b for _, b in months]])
    month = int(engine.break_even_month(self_cost, api)[0])
    cheaper = (self_cost <= api)[0]
    if month == -1:
        assert not cheaper[-1]  # dearer in the last month: it does not stay cheaper
    else:
        assert cheaper[month:].all() and (month == 0 or not cheaper[month - 1])
    flips = engine.crossover_months(self_cost, api)[0]
    assert flips == [m for m in range(1, len(months)) if cheaper[m] != cheaper[m - 1]]
    if month > 0:
        assert flips[-1] == month


@settings(max_examples=200, deadline=None)
@given(devices=st.integers(0, 50), committed=st.integers(0, 50), price=st.floats(0.01, 10))
def test_a_commitment_costs_the_same_used_or_not(devices, committed, price):
    billed = engine.committed_cost([[float(committed)]], HOURS, [price])[0, 0]
    unused = engine.unused_commitment_cost([[float(devices)]], [[float(committed)]], HOURS,
                                           [price])[0, 0]
    assert np.isclose(billed, committed * HOURS * price)
    assert np.isclose(unused, max(committed - devices, 0) * HOURS * price)
    overflow = engine.overflow_devices([[float(devices)]], [[float(committed)]])[0, 0]
    assert overflow == max(devices - committed, 0)
