#!/usr/bin/env python3
"""Independent reference for PrivateFl's distributed-discrete-Gaussian accountant (specs/privacy.md §3).

Re-derives, from the published formulas and in 60-digit arithmetic (mpmath), the epsilon that
google-research/federated `distributed_dp/accounting_utils.py` (`compute_rdp_dgaussian`,
`_compute_rdp_subsampled(upper_bound=True)`, then `tfp.get_privacy_spent`) gives for the distributed
discrete Gaussian (Kairouz, Liu, Steinke, ICML 2021):

  base RDP, KLS21 Prop. 14, with s2 = 1/sigma (L2 sensitivity over the total noise stddev),
  s1 = r/sigma (r = L1/L2 sensitivity ratio), tau (KLS21 Thm. 1), d the dimension:
      eps(a) = min( a/2 s2^2 + tau d,  a/2 (s2^2 + 2 s1 tau + tau^2 d),  a/2 (s2 + sqrt(d) tau)^2 )
  Poisson subsampling with rate q < 1, Zhu and Wang ICML 2019 Thm. 5 (any mechanism, integer a >= 2):
      eps'(a) = 1/(a-1) log[ (1-q)^(a-1) (a q - q + 1) + C(a,2) q^2 (1-q)^(a-2) e^eps(2)
                             + 3 sum_{l=3..a} C(a,l) (1-q)^(a-l) q^l e^((l-1) eps(l)) ]
      and the round's RDP is min(eps'(a), eps(a)); at fractional a only eps(a) is available.
  composition: steps x RDP;  conversion (Canonne, Kamath, Steinke 2020 Prop. 12, as tfp.get_privacy_spent):
      epsilon = min_a [ R(a) + log(1 - 1/a) - log(delta a)/(a - 1) ], at least 0.

Written from the formulas, not from Google's code. Run: python3 bench/reference/ddg_accounting.py
(needs python3-mpmath). It prints the table pinned in tests/PrivateFl.Crypto.Tests/Privacy/DdgAccountantTests.cs.
"""
import mpmath as mp

mp.mp.dps = 60

# PrivateFl's order grid (RdpAccountant.DefaultOrders): 1.1 .. 10.9 by 0.1, 11 .. 63, 64, 128, 256, 512.
OUR_ORDERS = [mp.mpf(x) / 10 for x in range(11, 110)] + [mp.mpf(x) for x in range(11, 64)] + [mp.mpf(x) for x in (64, 128, 256, 512)]
# Google's RDP_ORDERS in accounting_utils.py.
GOOGLE_ORDERS = [mp.mpf(x) for x in range(2, 129)] + [mp.mpf(256)]


def base_rdp(a, sigma, tau, dim, ratio):
    s2 = 1 / mp.mpf(sigma)
    s1 = mp.mpf(ratio) / mp.mpf(sigma)
    tau = mp.mpf(tau)
    t1 = a / 2 * s2 ** 2 + tau * dim
    t2 = a / 2 * (s2 ** 2 + 2 * s1 * tau + tau ** 2 * dim)
    t3 = a / 2 * (s2 + mp.sqrt(dim) * tau) ** 2
    return min(t1, t2, t3)


def subsampled_rdp(a, q, eps):
    a = int(a)
    q = mp.mpf(q)
    total = (1 - q) ** (a - 1) * (a * q - q + 1)
    total += mp.binomial(a, 2) * q ** 2 * (1 - q) ** (a - 2) * mp.e ** eps(2)
    for l in range(3, a + 1):
        total += 3 * mp.binomial(a, l) * (1 - q) ** (a - l) * q ** l * mp.e ** ((l - 1) * eps(l))
    return mp.log(total) / (a - 1)


def round_rdp(a, q, sigma, tau=0, dim=0, ratio=1):
    eps = lambda order: base_rdp(mp.mpf(order), sigma, tau, dim, ratio)
    unamplified = eps(a)
    if q == 1 or a != int(a):
        return unamplified
    return min(subsampled_rdp(a, q, eps), unamplified)


def epsilon(q, sigma, steps, delta, tau=0, dim=0, ratio=1, orders=OUR_ORDERS):
    delta = mp.mpf(delta)
    best = mp.inf
    for a in orders:
        r = steps * round_rdp(a, q, sigma, tau, dim, ratio)
        best = min(best, r + mp.log(1 - 1 / a) - mp.log(delta * a) / (a - 1))
    return max(mp.mpf(0), best)


# (q, sigma, steps, delta, tau, dim, L1/L2 ratio): the pinned table.
CASES = [
    (0.01, 1.0, 1000, 1e-5, 0, 0, 1),
    (0.01, 0.8, 100, 1e-5, 0, 0, 1),
    (0.02, 1.1, 500, 1e-5, 0, 0, 1),
    (0.05, 1.5, 40, 1e-5, 0, 0, 1),
    (0.05, 1.0, 200, 1e-6, 0, 0, 1),
    (0.1, 2.0, 100, 1e-5, 0, 0, 1),
    (0.1, 1.0, 10, 1e-5, 0, 0, 1),
    (0.2, 3.0, 50, 1e-5, 0, 0, 1),
    (0.3, 5.0, 20, 1e-6, 0, 0, 1),
    (0.5, 2.0, 10, 1e-5, 0, 0, 1),
    (0.5, 10.0, 3, 1e-5, 0, 0, 1),
    (0.9, 4.0, 10, 1e-5, 0, 0, 1),
    (1.0, 2.0, 10, 1e-5, 0, 0, 1),
    (1.0, 20.0, 1, 1e-5, 0, 0, 1),
    # Non-negligible discreteness, to exercise every term of Prop. 14.
    (0.1, 1.0, 100, 1e-5, 1e-3, 100, 10),
    (0.05, 2.0, 100, 1e-5, 1e-2, 1000, 31.6),
    (1.0, 2.0, 10, 1e-5, 1e-3, 100, 10),
    (1.0, 3.0, 5, 1e-5, 1e-4, 10000, 50),
]


# (alpha, q, sigma, tau, dim, L1/L2 ratio): the pinned per-round RDP values.
RDP_CASES = [
    (2, 0.1, 1.0, 0, 0, 1),
    (10, 0.1, 1.0, 0, 0, 1),
    (64, 0.01, 0.8, 0, 0, 1),
    (512, 0.05, 2.0, 0, 0, 1),
    (7, 0.05, 2.0, 1e-2, 1000, 31.6),
    (3, 0.5, 0.5, 0, 0, 1),
]


def main():
    print("alpha, q, sigma, tau, dim, ratio -> round RDP")
    for a, q, sigma, tau, dim, ratio in RDP_CASES:
        print(f"({a}, {q}, {sigma}, {tau:g}, {dim}, {ratio}) -> {mp.nstr(round_rdp(mp.mpf(a), q, sigma, tau, dim, ratio), 15)}")

    print("q, sigma, steps, delta, tau, dim, ratio -> epsilon (our orders) | epsilon (Google's orders)")
    for q, sigma, steps, delta, tau, dim, ratio in CASES:
        ours = epsilon(q, sigma, steps, delta, tau, dim, ratio)
        google = epsilon(q, sigma, steps, delta, tau, dim, ratio, GOOGLE_ORDERS)
        print(f"({q}, {sigma}, {steps}, {delta:g}, {tau:g}, {dim}, {ratio}) -> {mp.nstr(ours, 12)} | {mp.nstr(google, 12)}")


if __name__ == "__main__":
    main()
