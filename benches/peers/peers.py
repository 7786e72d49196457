"""Peer comparison: reformsim's core firm update written as a Mesa model and as vectorised
NumPy, timed per firm-day (see README.md beside this file).

The update is the one of `arise_problems` + `produce` (benches/reference/mod.rs): each firm
draws three uniforms (a new problem with a per-tier chance, its category by share, and
whether the firm solves one of its latent problems itself), then one normal shock; its log
output moves by trend (none at its space cap) minus a drag per open problem plus the shock;
value added and investment follow, in whole yuan. The parameters are the baseline's, rounded.
The draws come from each tool's own generator, so the numbers differ from reformsim's run;
the work per firm-day is the same.

Usage: python peers.py [--firms N] [--days D] [--mesa-firms N] [--mesa-days D] [--json]
"""

import argparse
import json
import math
import time

import numpy as np

CATEGORIES = 7
CATEGORY_CUMULATIVE = [0.30, 0.55, 0.70, 0.82, 0.90, 0.94, math.inf]
SELF_RESOLVE_CHANCE = 1.0 / 180.0
# Tier shares and a problem chance per day by tier (leading, key, above scale, other).
TIER_SHARES = [0.01, 0.05, 0.34, 0.60]
PROBLEM_CHANCE = [0.012, 0.010, 0.008, 0.006]
DRIFT = 0.07 / 365.0
DRAG = 0.03 / 365.0
SHOCK_SD = 0.01
INVESTMENT_SHARE = 0.3
BLOCKED_SHARE = 0.5
FINANCE, LAND = 4, 5


def tiers_of(firms):
    cut = np.cumsum(np.array(TIER_SHARES) * firms).astype(int)
    tiers = np.full(firms, 3, dtype=np.int8)
    start = 0
    for t, end in enumerate(cut):
        tiers[start:end] = t
        start = end
    return tiers


# --- Mesa --------------------------------------------------------------------------------


def mesa_model(firms, seed):
    import mesa

    class Firm(mesa.Agent):
        def __init__(self, model, tier, base):
            super().__init__(model)
            self.tier = tier
            self.chance = PROBLEM_CHANCE[tier]
            self.base = base
            self.log_level = 0.0
            self.cap = math.inf
            self.latent = [0] * CATEGORIES
            self.ticketed = [0] * CATEGORIES

        def step(self):
            rng = self.model.random
            arrive, category, solve = rng.random(), rng.random(), rng.random()
            if arrive < self.chance:
                k = next(i for i, c in enumerate(CATEGORY_CUMULATIVE) if category < c)
                self.latent[k] += 1
            latent = sum(self.latent)
            if latent > 0 and solve < SELF_RESOLVE_CHANCE * latent:
                pick = int(solve / SELF_RESOLVE_CHANCE)
                for k in range(CATEGORIES):
                    if pick < self.latent[k]:
                        self.latent[k] -= 1
                        break
                    pick -= self.latent[k]
            z = rng.gauss(0.0, 1.0)
            open_problems = latent + sum(self.ticketed)
            trend = DRIFT if self.log_level < self.cap else 0.0
            self.log_level += trend - DRAG * open_problems + SHOCK_SD * z
            value_added = self.base * math.exp(self.log_level)
            blocked = (self.latent[FINANCE] + self.ticketed[FINANCE] + self.latent[LAND]
                       + self.ticketed[LAND]) > 0
            held = BLOCKED_SHARE if blocked else 0.0
            investment = value_added * INVESTMENT_SHARE * (1.0 - held)
            m = self.model
            if self.tier < 3:
                m.value_added += int(value_added + 0.5)
            m.investment += int(investment + 0.5)

    class City(mesa.Model):
        def __init__(self, firms, seed):
            super().__init__(rng=seed)
            self.value_added = 0
            self.investment = 0
            for t in tiers_of(firms):
                Firm(self, int(t), 1e5 * math.exp(0.8 * self.random.gauss(0.0, 1.0)))

        def step(self):
            self.agents.do("step")

    return City(firms, seed)


def time_mesa(firms, days, seed):
    model = mesa_model(firms, seed)
    started = time.perf_counter()
    for _ in range(days):
        model.step()
    return time.perf_counter() - started


# --- NumPy -------------------------------------------------------------------------------


def time_numpy(firms, days, seed):
    rng = np.random.default_rng(seed)
    tiers = tiers_of(firms)
    chance = np.array(PROBLEM_CHANCE)[tiers]
    base = 1e5 * np.exp(0.8 * rng.standard_normal(firms))
    above = tiers < 3
    log_level = np.zeros(firms)
    cap = np.full(firms, np.inf)
    latent = np.zeros((firms, CATEGORIES), dtype=np.int16)
    ticketed = np.zeros((firms, CATEGORIES), dtype=np.int16)
    cumulative = np.array(CATEGORY_CUMULATIVE)
    rows = np.arange(firms)
    started = time.perf_counter()
    for _ in range(days):
        arrive, category, solve = rng.random(firms), rng.random(firms), rng.random(firms)
        new = arrive < chance
        k = np.searchsorted(cumulative, category, side="right")
        latent[rows[new], k[new]] += 1  # each firm at most once a day
        total = latent.sum(axis=1)
        solved = (total > 0) & (solve < SELF_RESOLVE_CHANCE * total)
        if solved.any():
            pick = (solve[solved] / SELF_RESOLVE_CHANCE).astype(np.int64)
            which = (latent[solved].cumsum(axis=1) > pick[:, None]).argmax(axis=1)
            latent[rows[solved], which] -= 1
        z = rng.standard_normal(firms)
        open_problems = latent.sum(axis=1) + ticketed.sum(axis=1)
        trend = np.where(log_level < cap, DRIFT, 0.0)
        log_level += trend - DRAG * open_problems + SHOCK_SD * z
        value_added = base * np.exp(log_level)
        blocked = (latent[:, FINANCE] + ticketed[:, FINANCE] + latent[:, LAND]
                   + ticketed[:, LAND]) > 0
        investment = value_added * INVESTMENT_SHARE * np.where(blocked, 1.0 - BLOCKED_SHARE, 1.0)
        _ = int(np.floor(value_added[above] + 0.5).sum()), int(np.floor(investment + 0.5).sum())
    return time.perf_counter() - started


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=1_000_000, help="firms of the NumPy run")
    p.add_argument("--days", type=int, default=30, help="days of the NumPy run")
    p.add_argument("--mesa-firms", type=int, default=20_000, help="firms of the Mesa run")
    p.add_argument("--mesa-days", type=int, default=10, help="days of the Mesa run")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print one JSON object last")
    a = p.parse_args()
    numpy_s = time_numpy(a.firms, a.days, a.seed)
    mesa_s = time_mesa(a.mesa_firms, a.mesa_days, a.seed)
    import mesa

    figures = {
        "numpy_ns_per_firm_day": numpy_s * 1e9 / (a.firms * a.days),
        "numpy_firms": a.firms,
        "numpy_days": a.days,
        "mesa_ns_per_firm_day": mesa_s * 1e9 / (a.mesa_firms * a.mesa_days),
        "mesa_firms": a.mesa_firms,
        "mesa_days": a.mesa_days,
        "mesa_version": mesa.__version__,
        "numpy_version": np.__version__,
    }
    print(f"numpy: {figures['numpy_ns_per_firm_day']:.1f} ns per firm-day "
          f"({a.firms} firms x {a.days} days)")
    print(f"mesa:  {figures['mesa_ns_per_firm_day']:.1f} ns per firm-day "
          f"({a.mesa_firms} firms x {a.mesa_days} days, Mesa {mesa.__version__})")
    if a.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
